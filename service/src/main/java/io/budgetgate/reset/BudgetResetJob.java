package io.budgetgate.reset;

import io.budgetgate.budget.BudgetService;
import io.budgetgate.platform.db.AdvisoryLock;
import io.budgetgate.platform.http.ApiException;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.budgetgate.platform.Schedulers;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code budget.jobInterval}: starts the new period of every tenant whose
 * {@code budget_reset_at} has passed, and re-syncs LiteLLM keys whose block_at moved because an
 * override started or expired. One instance at a time runs it (a PostgreSQL advisory lock).
 */
public final class BudgetResetJob implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetResetJob.class);
  /** Advisory lock id: "BGRESET" in ASCII. */
  static final long LOCK_ID = 0x4247524553455400L;
  static final String ACTOR = "budget-reset-job";

  private final Jdbi jdbi;
  private final BudgetResetService resets;
  private final BudgetService budgets;
  private final Clock clock;
  private final Duration interval;
  private ScheduledExecutorService scheduler;

  BudgetResetJob(Jdbi jdbi, BudgetResetService resets, BudgetService budgets, Clock clock, Duration interval) {
    this.jdbi = jdbi;
    this.resets = resets;
    this.budgets = budgets;
    this.clock = clock;
    this.interval = interval;
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
   * One round. Returns how many periods were reset, or -1 when another instance holds the lock.
   */
  public int runOnce() {
    return AdvisoryLock.tryWith(jdbi, LOCK_ID, handle -> {
      int reset = 0;
      for (String tenantId : handle.attach(ResetDao.class).due(clock.instant(), 500)) {
        try {
          reset += resets.reset(ACTOR, tenantId, false) ? 1 : 0;
        } catch (ApiException e) {
          LOG.warn("tenant {}: {}; will retry next round", tenantId, e.getMessage());
        }
      }
      budgets.syncKeysOutOfDate();
      return reset;
    }).orElse(-1);
  }

}
