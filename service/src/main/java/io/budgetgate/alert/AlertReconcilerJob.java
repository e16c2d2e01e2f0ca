package io.budgetgate.alert;

import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.SpendHistory;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.platform.db.AdvisoryLock;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.budgetgate.platform.Schedulers;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code alerts.reconcileInterval}, reads every tenant's spend from LiteLLM and raises any
 * alert a lost webhook would have raised (source {@code reconciler}), and stores the spend as a
 * sample for the forecast (pruning this tenant's samples older than the retention). One instance
 * at a time (PostgreSQL advisory lock).
 */
public final class AlertReconcilerJob implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(AlertReconcilerJob.class);
  /** Advisory lock id: "BGRECON" in ASCII. */
  static final long LOCK_ID = 0x42475245434f4e00L;
  private static final int PAGE = 500;
  /** The states the per-state gauges report. */
  static final java.util.List<String> STATES = java.util.List.of("ok", "warning", "critical", "blocked", "unknown");

  private final Jdbi jdbi;
  private final BudgetService budgets;
  private final AlertService alerts;
  private final TenantService tenants;
  private final SpendHistory history;
  private final Duration interval;
  private final Duration sampleRetention;
  private final com.codahale.metrics.Counter skipped;
  private ScheduledExecutorService scheduler;
  private volatile java.util.Map<String, Integer> lastCounts = java.util.Map.of();

  AlertReconcilerJob(Jdbi jdbi, BudgetService budgets, AlertService alerts, TenantService tenants, SpendHistory history,
      Duration interval, Duration sampleRetention, com.codahale.metrics.MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.budgets = budgets;
    this.alerts = alerts;
    this.tenants = tenants;
    this.history = history;
    this.interval = interval;
    this.sampleRetention = sampleRetention;
    this.skipped = metrics.counter("alerts.reconciler.skipped");
  }

  @Override
  public void start() {
    scheduler = Schedulers.singleThread("alert-reconciler");
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        LOG.warn("alert reconciler failed this round: {}", e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** One round; returns the alerts raised, or -1 when another instance holds the lock. */
  public int runOnce() {
    return AdvisoryLock.tryWith(jdbi, LOCK_ID, handle -> {
      java.util.Map<String, Integer> counts = new java.util.HashMap<>();
      int raised = 0;
      String after = "";
      List<String> page;
      do {
        page = handle.createQuery("SELECT tenant_id FROM tenant_configs WHERE tenant_id > :after ORDER BY tenant_id LIMIT :limit")
            .bind("after", after).bind("limit", PAGE).mapTo(String.class).list();
        for (String tenantId : page) {
          raised += reconcile(tenantId, counts);
        }
        after = page.isEmpty() ? after : page.get(page.size() - 1);
      } while (page.size() == PAGE);
      lastCounts = java.util.Map.copyOf(counts);
      return raised;
    }).orElse(-1);
  }

  /** Tenants per state as of this instance's last round (0 before its first, or on instances that never hold the lock). */
  int tenantsIn(String state) {
    return lastCounts.getOrDefault(state, 0);
  }

  /** A lost sample only weakens the forecast: it must not cost this tenant its alert. */
  private void sample(io.budgetgate.budget.api.BudgetStatus status) {
    try {
      Instant periodStart = AlertService.periodStart(tenants.require(status.tenantId()));
      history.record(status.tenantId(), status.checkedAt(), status.spend(), periodStart, sampleRetention);
    } catch (RuntimeException e) {
      LOG.warn("could not store the spend sample of tenant {}: {}", status.tenantId(), e.toString());
    }
  }

  private int reconcile(String tenantId, java.util.Map<String, Integer> counts) {
    try {
      var status = budgets.liveStatus(tenantId);
      counts.merge(status.state(), 1, Integer::sum);
      if (!"live".equals(status.source())) {
        return 0; // LiteLLM did not answer: nothing new to learn about this tenant now
      }
      sample(status);
      return alerts.raiseIfHigher(status, AlertSource.RECONCILER).isPresent() ? 1 : 0;
    } catch (RuntimeException e) {
      // one tenant that cannot be read or stored (a database error, an answer we cannot use) must
      // not cost every tenant sorted after it its round
      skipped.inc();
      LOG.warn("reconciler skipped tenant {} this round: {}", tenantId, e.toString());
      return 0;
    }
  }
}
