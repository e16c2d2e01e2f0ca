package io.budgetgate.audit;

import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Builds the audit trail and its endpoint. */
public final class AuditWiring {
  private AuditWiring() {}

  public static AuditLog wire(Jdbi jdbi, Clock clock, Environment environment) {
    jdbi.registerRowMapper(AuditEntry.class, new AuditRowMapper());
    AuditLog audit = new AuditLog(jdbi, clock, environment.getObjectMapper());
    environment.jersey().register(new AuditResource(audit));
    return audit;
  }
}
