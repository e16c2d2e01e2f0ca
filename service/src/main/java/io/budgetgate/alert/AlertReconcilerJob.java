package io.budgetgate.alert;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.SpendHistory;
import io.budgetgate.budget.SpendSource;
import io.budgetgate.budget.TenantPages.KeyedTenant;
import io.budgetgate.budget.TenantPages;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmUnavailableException;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyPage;
import io.budgetgate.litellm.api.ListedKey;
import io.budgetgate.platform.Schedulers;
import io.budgetgate.platform.db.JobLease;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code alerts.reconcileInterval}, reads every tenant's spend from LiteLLM and raises any
 * alert a lost webhook would have raised (source {@code reconciler}), and stores the spend as a
 * sample for the forecast (pruning this tenant's samples older than the retention). Spend is read
 * in pages of LiteLLM's key list (one call per hundred keys), matched to tenants by key hash; a
 * tenant whose key the list does not show is read with {@code /key/info}. One instance at a time
 * (a {@link JobLease}, so no connection waits on LiteLLM); a tenant that cannot be read or stored
 * is skipped, never the round. A listed key whose {@code max_budget} differs from the one
 * BudgetGate last wrote is handed to the key sync ({@link BudgetService#keyListed}).
 */
public final class AlertReconcilerJob implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(AlertReconcilerJob.class);
  /** The lease's name in {@code job_leases}. */
  static final String LEASE = "alert-reconciler";
  /** Tenants a page: read together in three queries, then the round may pause ({@code reconcileSpread}). */
  private static final int PAGE = 100;
  /** The states the per-state gauges report. */
  static final List<String> STATES = List.of("ok", "warning", "critical", "blocked", "unknown");

  private final Jdbi jdbi;
  private final BudgetService budgets;
  private final TenantPages pages;
  private final AlertService alerts;
  private final SpendHistory history;
  private final LiteLlmClient litellm;
  private final Clock clock;
  private final Duration interval;
  private final Duration sampleRetention;
  private final Duration spread;
  private final Counter skipped;
  private final Counter overran;
  private final Counter withoutLiteLlm;
  private final JobLease lease;
  private ScheduledExecutorService scheduler;
  private volatile Map<String, Integer> lastCounts = Map.of();
  private volatile Round lastRound = new Round(0, 0, 0, 0, 0);

  /**
   * What this instance's last round did: tenants read, LiteLLM calls, seconds from start to end,
   * seconds of them spent working (the rest is the pacing's pauses), tenants skipped.
   */
  record Round(int tenants, long litellmReads, double seconds, double busySeconds, long skipped) {}

  AlertReconcilerJob(Jdbi jdbi, BudgetService budgets, TenantPages pages, AlertService alerts, SpendHistory history,
      LiteLlmClient litellm, Duration interval, Duration sampleRetention, Duration spread, Clock clock,
      MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.budgets = budgets;
    this.pages = pages;
    this.alerts = alerts;
    this.history = history;
    this.litellm = litellm;
    this.interval = interval;
    this.sampleRetention = sampleRetention;
    this.spread = spread;
    this.skipped = metrics.counter("alerts.reconciler.skipped");
    this.overran = metrics.counter("alerts.reconciler.overran");
    this.withoutLiteLlm = metrics.counter("alerts.reconciler.litellm_unreachable");
    this.lease = new JobLease(jdbi, LEASE, JobLease.ttlFor(interval));
    metrics.gauge("alerts.reconciler.litellm_reads", () -> () -> lastRound.litellmReads());
    metrics.gauge("alerts.reconciler.round_seconds", () -> () -> lastRound.seconds());
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

  /** One round; returns the alerts raised, or -1 when another instance holds the lease. */
  public int runOnce() {
    return lease.tryWith(this::round).orElse(-1);
  }

  /** This instance's last round. */
  Round lastRound() {
    return lastRound;
  }

  private int round(JobLease.Held held) {
    long started = System.nanoTime();
    long skippedBefore = skipped.getCount();
    long[] reads = {0};
    // the list's spends are as of this instant, however long the pages then take (reconcileSpread)
    Instant listedAt = clock.instant();
    Optional<Map<String, KeyInfo>> list = listedKeys(reads);
    if (list.isEmpty()) {
      withoutLiteLlm.inc();
      LOG.warn("reconciler round skipped: LiteLLM cannot be reached to list its keys (next round in {} s)",
          interval.toSeconds());
      lastRound = new Round(0, reads[0], (System.nanoTime() - started) / 1e9, 0, 0);
      return 0;
    }
    Map<String, KeyInfo> listed = list.get();
    Map<String, Integer> counts = new HashMap<>();
    int pageCount = Math.max(1, (pages.count() + PAGE - 1) / PAGE);
    long paused = 0;
    int raised = 0;
    int done = 0;
    String after = "";
    List<KeyedTenant> page;
    do {
      page = pages.after(after, PAGE);
      if (!held.renew()) {
        LOG.warn("reconciler lost its lease to another instance mid-round; that instance goes on");
        return raised;
      }
      raised += reconcile(page, listed, listedAt, counts, reads, held);
      after = page.isEmpty() ? after : page.get(page.size() - 1).tenantId();
      paused += pace(started, ++done, pageCount);
    } while (page.size() == PAGE);
    lastCounts = Map.copyOf(counts);
    int tenantsRead = counts.values().stream().mapToInt(Integer::intValue).sum();
    double seconds = (System.nanoTime() - started) / 1e9;
    lastRound = new Round(tenantsRead, reads[0], seconds, seconds - paused / 1e9, skipped.getCount() - skippedBefore);
    if (seconds > interval.toSeconds()) {
      overran.inc();
      LOG.warn("reconciler round over {} tenants took {} s, longer than its {} s interval ({} LiteLLM reads)",
          tenantsRead, String.format(Locale.ROOT, "%.1f", seconds), interval.toSeconds(), reads[0]);
    }
    // one line a round, from the instance holding the lease: rounds of two instances never overlap
    LOG.info("reconciler round {} to {}: {} tenants, {} LiteLLM reads, {} alerts raised", listedAt, clock.instant(),
        tenantsRead, reads[0], raised);
    return raised;
  }

  /**
   * After page {@code done} of about {@code pages}: pauses until that share of {@code spread} has
   * passed since the round started (never when behind). Returns the nanoseconds paused.
   */
  private long pace(long started, int done, int pages) {
    long due = started + spread.toNanos() * Math.min(done, pages) / pages;
    long wait = due - System.nanoTime();
    if (wait <= 0) {
      return 0;
    }
    try {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("reconciler interrupted while pacing its round", e);
    }
    return wait;
  }

  /**
   * Every key LiteLLM lists, by hash. Empty when LiteLLM cannot be reached: the round then stops
   * (asking it 10,000 times one by one would only make a long round of failures). When LiteLLM
   * answers but the list cannot be used (an older LiteLLM without {@code /key/list}, an answer we
   * cannot read), each tenant is read with {@code /key/info} instead.
   */
  private Optional<Map<String, KeyInfo>> listedKeys(long[] reads) {
    Map<String, KeyInfo> byHash = new HashMap<>();
    try {
      int page = 1;
      int totalPages;
      do {
        KeyPage keys = litellm.listKeys(page);
        reads[0]++;
        for (ListedKey key : keys.keys()) {
          byHash.put(key.tokenHash(), key.info());
        }
        totalPages = keys.totalPages();
        page++;
      } while (page <= totalPages);
    } catch (LiteLlmUnavailableException e) {
      return Optional.empty();
    } catch (LiteLlmException e) {
      LOG.warn("reconciler cannot use LiteLLM's key list this round; reading each tenant's key instead: {}", e.getMessage());
      byHash.clear();
    }
    return Optional.of(byHash);
  }

  /** Tenants per state as of this instance's last round (0 before its first, or on instances that never hold the lock). */
  int tenantsIn(String state) {
    return lastCounts.getOrDefault(state, 0);
  }

  /**
   * One page of tenants: the ones on LiteLLM's key list read in bulk (three queries for the page),
   * the others with {@code /key/info} one by one; then their samples in one batch and their
   * alerts. A tenant that cannot be read or stored (a database error, an answer we cannot use, a
   * key missing in LiteLLM) is skipped, never the page or the round: a failed bulk step is done
   * again tenant by tenant.
   */
  private int reconcile(List<KeyedTenant> page, Map<String, KeyInfo> listed, Instant listedAt, Map<String, Integer> counts,
      long[] reads, JobLease.Held held) {
    Map<String, KeyInfo> onTheList = new LinkedHashMap<>();
    List<KeyedTenant> offTheList = new ArrayList<>();
    Map<String, Instant> periodStarts = new HashMap<>();
    for (KeyedTenant tenant : page) {
      periodStarts.put(tenant.tenantId(), tenant.periodStart());
      KeyInfo info = listed.get(tenant.keyHash());
      if (info == null) {
        offTheList.add(tenant);
        continue;
      }
      onTheList.put(tenant.tenantId(), info);
      if (!tenant.syncPending()) {
        guarded(tenant.tenantId(), () -> budgets.keyListed(tenant.tenantId(), tenant.syncGeneration(),
            tenant.syncedMaxBudget(), info.maxBudget()), false);
      }
    }
    List<BudgetStanding> statuses = new ArrayList<>();
    try {
      statuses.addAll(budgets.liveStatuses(onTheList, listedAt).values());
    } catch (RuntimeException e) {
      LOG.warn("reconciler could not read a page of {} tenants at once; reading them one by one: {}", onTheList.size(),
          e.toString());
      onTheList.forEach((tenantId, info) -> {
        BudgetStanding one = guarded(tenantId, () -> budgets.liveStatuses(Map.of(tenantId, info), listedAt).get(tenantId), true);
        if (one != null) {
          statuses.add(one);
        }
      });
    }
    for (KeyedTenant tenant : offTheList) {
      if (!held.renew()) {
        break;
      }
      reads[0]++;
      BudgetStanding one = guarded(tenant.tenantId(), () -> budgets.liveStatus(tenant.tenantId()), true);
      if (one != null) {
        statuses.add(one);
      }
    }
    List<BudgetStanding> live = new ArrayList<>();
    for (BudgetStanding status : statuses) {
      counts.merge(status.state().wireName(), 1, Integer::sum);
      if (status.source() == SpendSource.LIVE) {
        live.add(status); // one that is not: LiteLLM did not answer, nothing new to learn about it now
      }
    }
    samples(live, periodStarts);
    int raised = 0;
    for (BudgetStanding status : live) {
      held.renew();
      Boolean one = guarded(status.tenantId(), () -> alerts.raiseIfHigher(status, AlertSource.RECONCILER).isPresent(), true);
      raised += Boolean.TRUE.equals(one) ? 1 : 0;
    }
    return raised;
  }

  /** A lost sample only weakens the forecast: it must not cost its tenant the alert, nor the page its samples. */
  private void samples(List<BudgetStanding> live, Map<String, Instant> periodStarts) {
    List<SpendHistory.Sample> samples = live.stream().map(s -> new SpendHistory.Sample(s.tenantId(), s.checkedAt(),
        s.spend(), periodStarts.get(s.tenantId()))).toList();
    try {
      history.recordAll(samples, sampleRetention);
    } catch (RuntimeException e) {
      for (SpendHistory.Sample sample : samples) {
        try {
          history.record(sample.tenantId(), sample.sampledAt(), sample.spend(), sample.periodStart(), sampleRetention);
        } catch (RuntimeException one) {
          LOG.warn("could not store the spend sample of tenant {}: {}", sample.tenantId(), one.toString());
        }
      }
    }
  }

  /** {@code step} for one tenant; on failure the tenant is skipped this round (counted when {@code counts}) and null returned. */
  private <T> T guarded(String tenantId, Supplier<T> step, boolean counts) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      if (counts) {
        skipped.inc();
      }
      LOG.warn("reconciler skipped tenant {} this round: {}", tenantId, e.toString());
      return null;
    }
  }
}
