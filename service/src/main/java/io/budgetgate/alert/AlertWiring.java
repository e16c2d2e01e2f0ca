package io.budgetgate.alert;

import com.codahale.metrics.Gauge;
import io.budgetgate.alert.api.AlertView;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.AdminTask;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * Builds alerts in two steps, because budget checks raise alerts and the reconciler reads budgets:
 * {@link #alerts} (storage and dedup, the history endpoint, and the listener budget checks hand
 * their fresh statuses to) before the budget feature, {@link #reconciler} after it.
 */
public final class AlertWiring {
  private AlertWiring() {}

  /** Tenants whose budget-check alert may wait to be written before more are dropped (to the reconciler). */
  static final int CHECK_ALERTS_WAITING = 10_000;

  /** The alert service, and where budget checks hand the statuses they read fresh. */
  public record Alerting(AlertService service, Consumer<BudgetStanding> freshStatuses) {}

  public static Alerting alerts(Jdbi jdbi, KeyValueCache cache, TenantService tenants, Outbox outbox, AuditLog audit,
      AlertConfig config, Clock clock, Environment environment) {
    jdbi.registerRowMapper(AlertView.class, (rs, ctx) -> new AlertView(
        rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("level"), rs.getBigDecimal("percent_used"),
        rs.getBigDecimal("spend"), rs.getBigDecimal("effective_budget"), rs.getString("source"), rs.getString("litellm_event"),
        rs.getTimestamp("period_start") == null ? null : rs.getTimestamp("period_start").toInstant(),
        rs.getBoolean("notified"), rs.getString("suppression_reason"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("projected_block_at") == null ? null : rs.getTimestamp("projected_block_at").toInstant()));
    AlertService alerts = new AlertService(jdbi, cache, tenants, outbox, audit,
        config.dedupTtl().toJavaDuration(), clock, UUID::randomUUID, environment.metrics());
    CheckAlerts checkAlerts = new CheckAlerts(status -> alerts.raiseIfHigher(status, AlertSource.CHECK), CHECK_ALERTS_WAITING,
        environment.metrics());
    environment.lifecycle().manage(checkAlerts);
    environment.jersey().register(new AlertResource(alerts));
    return new Alerting(alerts, checkAlerts);
  }

  /** The reconciler, its per-state gauges and its admin task ({@code POST /tasks/reconcile}). */
  public static void reconciler(Jdbi jdbi, LiteLlmClient litellm, Alerting alerting, BudgetWiring.Budgets budgetFeature,
      AlertConfig config, Clock clock, Environment environment) {
    AlertReconcilerJob reconciler = new AlertReconcilerJob(jdbi, budgetFeature.service(), budgetFeature.pages(),
        alerting.service(), budgetFeature.history(), litellm,
        config.reconcileInterval().toJavaDuration(),
        config.spendSampleRetention().toJavaDuration(),
        config.reconcileSpread().toJavaDuration(), clock, environment.metrics());
    for (String state : AlertReconcilerJob.STATES) {
      environment.metrics().register("budget.tenants." + state, (Gauge<Integer>) () -> reconciler.tenantsIn(state));
    }
    environment.lifecycle().manage(reconciler);
    // POST /tasks/reconcile: one round now, on this instance (after an outage; the perf scale run)
    environment.admin().addTask(AdminTask.round("reconcile", reconciler::runOnce, (answer, raised) -> {
      AlertReconcilerJob.Round round = reconciler.lastRound();
      answer.put("tenants", round.tenants());
      answer.put("litellm_reads", round.litellmReads());
      answer.put("seconds", round.seconds());
      answer.put("busy_seconds", round.busySeconds());
      answer.put("alerts_raised", raised);
      answer.put("skipped_tenants", round.skipped());
    }, environment.getObjectMapper()));
  }
}
