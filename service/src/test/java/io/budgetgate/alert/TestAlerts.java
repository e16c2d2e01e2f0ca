package io.budgetgate.alert;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.tenant.TenantService;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Builds an {@link AlertService} for a test outside this package (its constructor is package-private,
 * as the house style wants), with the test's own dedup store, ids and counters where
 * {@link AlertWiring} gives the app's.
 */
public final class TestAlerts {
  private TestAlerts() {}

  public static AlertService service(Jdbi jdbi, KeyValueCache dedup, TenantService tenants, Outbox outbox, AuditLog audit,
      Duration dedupTtl, Clock clock, Supplier<UUID> ids, MetricRegistry metrics) {
    return new AlertService(jdbi, dedup, tenants, outbox, audit, dedupTtl, clock, ids, metrics);
  }
}
