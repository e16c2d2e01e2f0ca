package io.budgetgate.tenant;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.LiteLlmClient;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Builds the tenant service and its endpoints. */
public final class TenantWiring {
  private TenantWiring() {}

  public static TenantService wire(
      Jdbi jdbi, LiteLlmClient litellm, AuditLog audit, TenantDefaults defaults, Clock clock, Environment environment) {
    jdbi.registerRowMapper(Tenant.class, new TenantRowMapper());
    TenantService service = new TenantService(jdbi, litellm, audit, defaults, clock);
    environment.jersey().register(new TenantResource(service));
    return service;
  }
}
