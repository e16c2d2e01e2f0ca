package io.budgetgate.alert;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.budgetgate.budget.BudgetStanding;
import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the alerts that budget checks find (source {@code check}) beside the request, not inside
 * it: a check answers as soon as it knows the status, and the alert transaction (advisory lock,
 * alert row, audit, outbox, dedup claim) runs on two background threads a moment later.
 *
 * <p>Statuses are coalesced per tenant: while a tenant's alert is waiting, a newer status of the
 * same tenant replaces the older one, so a burst of checks of one tenant costs one transaction.
 * At most {@code maxPending} tenants wait; beyond that a status is dropped and counted
 * ({@code alerts.check.dropped}), and so is one whose transaction fails ({@code alerts.check.failed}).
 * Neither loses an alert: the reconciler reads every tenant's spend each interval and raises what
 * is missing. On shutdown the waiting alerts get a few seconds to be written.
 */
public final class CheckAlerts implements Consumer<BudgetStanding>, Managed {
  private static final Logger LOG = LoggerFactory.getLogger(CheckAlerts.class);
  static final int THREADS = 2;
  private static final long DRAIN_SECONDS = 5;

  private final Consumer<BudgetStanding> raise;
  private final int maxPending;
  private final ConcurrentHashMap<String, BudgetStanding> pending = new ConcurrentHashMap<>();
  private final AtomicInteger threadIds = new AtomicInteger();
  private final ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "check-alerts-" + threadIds.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final Counter dropped;
  private final Counter failed;

  /**
   * @param raise writes the alert when the status is above every alert of the tenant's period
   *     ({@link AlertService#raiseIfHigher} with source {@code check})
   */
  CheckAlerts(Consumer<BudgetStanding> raise, int maxPending, MetricRegistry metrics) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1");
    }
    this.raise = raise;
    this.maxPending = maxPending;
    this.dropped = metrics.counter("alerts.check.dropped");
    this.failed = metrics.counter("alerts.check.failed");
    metrics.register("alerts.check.pending", (Gauge<Integer>) pending::size);
  }

  /** Queues the status when it is at an alert level; returns at once. */
  @Override
  public void accept(BudgetStanding status) {
    if (AlertLevel.of(status.state()).isEmpty()) {
      return;
    }
    String tenantId = status.tenantId();
    if (pending.put(tenantId, status) != null) {
      return; // a task for this tenant is queued and has not started: it takes this newer status
    }
    if (pending.size() > maxPending) {
      pending.remove(tenantId);
      dropped.inc();
      return;
    }
    try {
      workers.execute(() -> raise(tenantId));
    } catch (RejectedExecutionException e) {
      pending.remove(tenantId);
      dropped.inc();
    }
  }

  private void raise(String tenantId) {
    BudgetStanding status = pending.remove(tenantId);
    if (status == null) {
      return;
    }
    try {
      raise.accept(status);
    } catch (RuntimeException e) {
      failed.inc();
      LOG.warn("could not raise an alert for tenant {} from a budget check; the reconciler will: {}", tenantId, e.toString());
    }
  }

  /** How many tenants' alerts are waiting to be written. */
  public int pending() {
    return pending.size();
  }

  @Override
  public void start() {
    // the threads start with the first alert
  }

  @Override
  public void stop() throws InterruptedException {
    workers.shutdown();
    if (!workers.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
      LOG.warn("{} budget-check alerts were not written before shutdown; the reconciler raises them", pending.size());
      workers.shutdownNow();
    }
  }
}
