package io.budgetgate.reset;

import io.budgetgate.budget.BudgetPeriodStore;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.platform.Schedulers;
import io.budgetgate.platform.db.JobLease;
import io.budgetgate.platform.errors.ServiceException;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code budget.jobInterval}: starts the new period of every tenant whose
 * {@code budget_reset_at} has passed, and brings LiteLLM keys that are behind BudgetGate to their
 * block_at (a change whose sync did not finish, an override that started or expired, a key that
 * drifted). One instance at a time runs it (a {@link JobLease}: no connection is held while it
 * waits on LiteLLM).
 */
public final class BudgetResetJob implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetResetJob.class);
  /** The lease's name in {@code job_leases}. */
  static final String LEASE = "budget-reset-job";
  static final String ACTOR = "budget-reset-job";

  private final BudgetResetService resets;
  private final BudgetService budgets;
  private final BudgetPeriodStore periods;
  private final Clock clock;
  private final Duration interval;
  private final JobLease lease;
  private ScheduledExecutorService scheduler;

  BudgetResetJob(Jdbi jdbi, BudgetResetService resets, BudgetService budgets, BudgetPeriodStore periods, Clock clock,
      Duration interval) {
    this.resets = resets;
    this.budgets = budgets;
    this.periods = periods;
    this.clock = clock;
    this.interval = interval;
    this.lease = new JobLease(jdbi, LEASE, JobLease.ttlFor(interval));
  }

  @Override
  public void start() {
    scheduler = Schedulers.singleThread("budget-reset-job");
    scheduler.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      LOG.warn("budget reset job failed this round; next try in {} s", interval.toSeconds(), e);
    }
  }

  /**
   * One round. Returns how many periods were reset, or -1 when another instance holds the lease.
   */
  public int runOnce() {
    return lease.tryWith(held -> {
      int reset = 0;
      for (String tenantId : periods.due(clock.instant(), 500)) {
        if (!held.renew()) {
          return reset;
        }
        try {
          reset += resets.reset(ACTOR, tenantId, false) ? 1 : 0;
        } catch (ServiceException e) {
          LOG.warn("tenant {}: {}; will retry next round", tenantId, e.getMessage());
        } catch (RuntimeException e) {
          // a tenant whose period cannot be recorded (a database error) must not cost the others theirs
          LOG.warn("tenant {}: could not reset the budget period; will retry next round: {}", tenantId, e.toString());
        }
      }
      budgets.syncPendingKeys(held::renew);
      return reset;
    }).orElse(-1);
  }

}
