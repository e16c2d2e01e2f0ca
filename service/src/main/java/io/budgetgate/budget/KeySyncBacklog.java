package io.budgetgate.budget;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/**
 * How many LiteLLM keys are still to follow a budget change, and since when: the gauges
 * {@code litellm.sync.pending} and {@code litellm.sync.oldest_pending_seconds}, and the health
 * check {@code litellm-sync}, unhealthy once a key has been pending longer than
 * {@code budget.syncAlarmAfter}. Read from PostgreSQL each time (all instances agree; two short
 * queries on a partial index of the pending rows).
 */
final class KeySyncBacklog extends HealthCheck {
  /** The backlog; {@code oldestTenant} and {@code oldestSince} null when nothing is pending. */
  record Backlog(int pending, String oldestTenant, Instant oldestSince, String lastError) {
    long oldestSeconds(Instant now) {
      return oldestSince == null ? 0 : Math.max(0, Duration.between(oldestSince, now).toSeconds());
    }
  }

  private final Jdbi jdbi;
  private final Clock clock;
  private final Duration alarmAfter;

  KeySyncBacklog(Jdbi jdbi, Clock clock, Duration alarmAfter, MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.alarmAfter = alarmAfter;
    metrics.gauge("litellm.sync.pending", () -> () -> orUnknown().pending());
    metrics.gauge("litellm.sync.oldest_pending_seconds", () -> () -> orUnknown().oldestSeconds(clock.instant()));
  }

  /** The backlog now. */
  Backlog now() {
    return jdbi.withHandle(handle -> {
      int pending = handle.createQuery("SELECT count(*) FROM tenant_configs WHERE litellm_sync_pending_since IS NOT NULL")
          .mapTo(Integer.class).one();
      return handle.createQuery("""
              SELECT tenant_id, litellm_sync_pending_since, litellm_sync_error FROM tenant_configs
               WHERE litellm_sync_pending_since IS NOT NULL
               ORDER BY litellm_sync_pending_since, tenant_id LIMIT 1""")
          .map((rs, ctx) -> new Backlog(pending, rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)))
          .findOne().orElse(new Backlog(pending, null, null, null));
    });
  }

  /** For the gauges: a database that cannot be read reports -1 pending rather than failing the scrape. */
  private Backlog orUnknown() {
    try {
      return now();
    } catch (RuntimeException e) {
      return new Backlog(-1, null, null, null);
    }
  }

  @Override
  protected Result check() {
    Instant at = clock.instant();
    Backlog backlog = now();
    if (backlog.pending() == 0) {
      return Result.healthy("every LiteLLM key holds its tenant's block_at");
    }
    String summary = String.format(Locale.ROOT,
        "%d LiteLLM key(s) still to follow a budget change; the oldest, tenant %s, for %d s (last error: %s)",
        backlog.pending(), backlog.oldestTenant(), backlog.oldestSeconds(at),
        backlog.lastError() == null ? "none yet" : backlog.lastError());
    if (backlog.oldestSeconds(at) > alarmAfter.toSeconds()) {
      return Result.unhealthy(summary + "; longer than budget.syncAlarmAfter (" + alarmAfter.toSeconds()
          + " s): LiteLLM may be looser or tighter than BudgetGate says (ops-runbook/litellm-down.md, \"Key sync\")");
    }
    return Result.healthy(summary + "; the key sync retries");
  }
}
