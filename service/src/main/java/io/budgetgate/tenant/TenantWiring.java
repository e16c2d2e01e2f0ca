package io.budgetgate.tenant;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.VirtualKeys;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Builds the tenant service and its endpoints. */
public final class TenantWiring {
  private TenantWiring() {}

  public static TenantService wire(Jdbi jdbi, LiteLlmClient litellm, VirtualKeys keys, AuditLog audit,
      TenantDefaults defaults, Clock clock, Environment environment) {
    jdbi.registerRowMapper(Tenant.class, new TenantRowMapper(keys));
    new StoredKeys(jdbi, keys, audit).requireUsable(); // before anything reads a key: refuse, never half-work
    TenantService service = new TenantService(jdbi, litellm, keys, audit, defaults, clock);
    environment.jersey().register(new TenantResource(service));
    return service;
  }
}
