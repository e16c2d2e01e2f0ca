package io.budgetgate.budget;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.api.BudgetPatchRequest;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.rules.BudgetDuration;
import io.budgetgate.rules.BudgetFieldChecks;
import io.budgetgate.rules.BudgetLimits;
import io.budgetgate.rules.BudgetPeriods;
import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.OverrideWindow;
import io.budgetgate.rules.SpendForecast;
import io.budgetgate.rules.SpendSample;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "where does this tenant stand?" (from the cache, LiteLLM live, the last known spend, or
 * not at all) and changes a tenant's budget. Every decision is timed per path; blocked and degraded
 * answers are counted.
 */
public class BudgetService {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetService.class);
  private static final Duration WARN_EVERY = Duration.ofMinutes(1);

  /** A decision: the status, and the key llm-access hands out when allowed. */
  public record Decision(BudgetStanding status, VirtualKey key) {}

  /** A degraded answer this instance reuses until {@code until} instead of asking LiteLLM again. */
  private record Degraded(BudgetSnapshot snapshot, SpendSource source, Instant until) {}

  /** Who reads: a budget check tries LiteLLM once behind the breaker, a background job retries. */
  private enum ReadFor {
    CHECK,
    JOB
  }

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final MissingKeys missingKeys;
  private final BudgetCache cache;
  private final KeyBudgetSync keySync;
  private final AuditLog audit;
  private final BudgetConfig config;
  private final Clock clock;
  private final Map<SpendSource, Timer> timers = new EnumMap<>(SpendSource.class);
  private final Counter blocked;
  private final Counter degraded;
  private final ConcurrentHashMap<String, VirtualKey> keys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Degraded> degradedAnswers = new ConcurrentHashMap<>();
  private final Duration degradedTtl;
  private final AtomicReference<Instant> lastDegradedWarning = new AtomicReference<>(Instant.MIN);
  private final Consumer<BudgetStanding> freshStatusListener;

  /**
   * {@code freshStatuses} is called with every status computed from a freshly read spend (not from
   * the cache), e.g. to raise an alert when the tenant crossed a threshold; its failures never fail
   * a decision.
   */
  BudgetService(Jdbi jdbi, LiteLlmClient litellm, MissingKeys missingKeys, BudgetCache cache, AuditLog audit,
      BudgetConfig config, Consumer<BudgetStanding> freshStatuses, Clock clock, MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.freshStatusListener = freshStatuses;
    this.litellm = litellm;
    this.missingKeys = missingKeys;
    this.cache = cache;
    this.keySync = new KeyBudgetSync(jdbi, litellm, missingKeys, clock,
        config.syncWait().toJavaDuration(), metrics);
    this.audit = audit;
    this.config = config;
    this.clock = clock;
    this.degradedTtl = config.degradedTtl().toJavaDuration();
    for (SpendSource source : SpendSource.values()) {
      timers.put(source, metrics.timer(MetricRegistry.name("budget", "decision", source.wireName())));
    }
    this.blocked = metrics.counter("budget.decision.blocked");
    this.degraded = metrics.counter("budget.decision.degraded");
  }

  /** The tenant's budget status now; 404 for an unknown tenant, 503 only in fail mode closed. */
  public Decision decide(String tenantId) {
    return decide(tenantId, true).orElseThrow();
  }

  /**
   * The decision when this instance can give it without PostgreSQL or LiteLLM (a cached status, or
   * a degraded answer it is still reusing), counted and timed like {@link #decide}; empty when it
   * would have to read them. For {@link BudgetHotPath}, which leaves the rest to Jersey.
   */
  public Optional<Decision> decideIfCached(String tenantId) {
    return decide(tenantId, false);
  }

  private Optional<Decision> decide(String tenantId, boolean mayLoad) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    Optional<BudgetSnapshot> cached = cache.snapshot(tenantId, now);
    Decision decision;
    Degraded degradedAnswer = degradedAnswers.get(tenantId);
    if (cached.isPresent() && keys.containsKey(tenantId)) {
      decision = new Decision(cached.get().status(now, SpendSource.CACHE), keys.get(tenantId));
    } else if (degradedAnswer != null && now.isBefore(degradedAnswer.until())) {
      // a degraded answer is kept only by load(), after it put the tenant's key into keys
      decision = new Decision(degradedAnswer.snapshot().status(now, degradedAnswer.source()), keys.get(tenantId));
    } else if (!mayLoad) {
      return Optional.empty();
    } else {
      decision = load(tenantId, now, ReadFor.CHECK);
    }
    SpendSource source = decision.status().source();
    timers.get(source).update(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    if (source == SpendSource.LIVE || source == SpendSource.STALE) {
      notifyFresh(decision.status());
    }
    if (!decision.status().allowed()) {
      blocked.inc();
    }
    if (decision.status().degraded()) {
      degraded.inc();
    }
    return Optional.of(decision);
  }

  private void notifyFresh(BudgetStanding status) {
    try {
      freshStatusListener.accept(status);
    } catch (RuntimeException e) {
      LOG.warn("could not raise an alert for tenant {} from a budget check: {}", status.tenantId(), e.toString());
    }
  }

  /** The status from LiteLLM now (with the client's retries), bypassing (and refreshing) the cache; for the reconciler. */
  public BudgetStanding liveStatus(String tenantId) {
    return load(tenantId, clock.instant(), ReadFor.JOB).status();
  }

  /**
   * The status this spend would give the tenant now, against its own effective budget (a webhook's
   * spend is judged this way, never against LiteLLM's max_budget).
   */
  public BudgetStanding statusForSpend(String tenantId, BigDecimal spend) {
    Instant now = clock.instant();
    Stored stored = read(tenantId, now);
    return stored.base().withSpend(spend, now).withBurnRate(stored.burnRate(spend, now)).status(now, SpendSource.LIVE);
  }

  /** The tenant's effective budget now (max_budget plus the overrides active now): two queries, no LiteLLM. */
  public BigDecimal effectiveBudget(String tenantId) {
    Instant now = clock.instant();
    return jdbi.withHandle(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      BudgetRow row = dao.find(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      return BudgetPolicy.effectiveBudget(row.maxBudget(),
          dao.liveOverrides(tenantId, now).stream().map(BudgetOverride::window).toList(), now);
    });
  }

  /**
   * What a decision needs from PostgreSQL, read on one connection: the budget row, its live
   * overrides and the current period's recent spend samples (for the burn rate).
   */
  private record Stored(BudgetRow row, List<OverrideWindow> overrides, List<SpendSample> samples) {
    BudgetSnapshot base() {
      return new BudgetSnapshot(row.tenantId(), row.maxBudget(), row.alertThreshold(), row.graceThreshold(),
          row.budgetDuration(), row.budgetResetAt(), overrides, null, null, null, row.syncPendingSince());
    }

    /** The recent burn rate from the stored samples plus the spend just read (SpendForecast). */
    BigDecimal burnRate(BigDecimal spend, Instant now) {
      List<SpendSample> series = new ArrayList<>(samples);
      series.add(new SpendSample(now, BudgetPolicy.sanitiseSpend(spend)));
      return SpendForecast.burnRatePerHour(series, row.litellmKeyLastReset(), now);
    }
  }

  private Stored read(String tenantId, Instant now) {
    return jdbi.withHandle(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      BudgetRow row = dao.find(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      List<OverrideWindow> overrides = dao.liveOverrides(tenantId, now).stream().map(BudgetOverride::window).toList();
      List<SpendSample> samples = SpendHistory.spendSamples(handle, tenantId,
          SpendForecast.earliestUsable(row.litellmKeyLastReset(), now));
      return new Stored(row, overrides, samples);
    });
  }

  private Decision load(String tenantId, Instant now, ReadFor caller) {
    Stored stored = read(tenantId, now);
    BudgetRow row = stored.row();
    keys.put(tenantId, row.virtualKey());
    BudgetSnapshot base = stored.base();
    KeyInfo info;
    try {
      info = caller == ReadFor.CHECK ? litellm.keyInfoForDecision(row.virtualKey()) : litellm.keyInfo(row.virtualKey());
    } catch (LiteLlmKeyMissingException e) {
      missingKeys.missing(tenantId, now);
      throw keyMissing(tenantId, "its budget cannot be read and its calls are refused", e);
    } catch (LiteLlmException e) {
      return fallback(base, now, e, caller);
    }
    return live(stored, info, now);
  }

  /**
   * The statuses from the keys' budget fields read from LiteLLM at {@code readAt} (a page of its
   * key list, read when the request was sent), for many tenants at once: three queries for all of
   * them, not three each. Each status is as of {@code readAt}, and it is cached like a live read
   * unless a newer spend of the tenant is known by then (a check read it meanwhile). A tenant
   * deleted meanwhile, or whose period began after {@code readAt} (its key was reset since), is
   * left out: that spend belongs to the old period.
   */
  public Map<String, BudgetStanding> liveStatuses(Map<String, KeyInfo> infos, Instant readAt) {
    Map<String, BudgetStanding> out = new LinkedHashMap<>();
    List<BudgetSnapshot> fresh = new ArrayList<>();
    for (Stored stored : readAll(List.copyOf(infos.keySet()), clock.instant())) {
      String tenantId = stored.row().tenantId();
      Instant periodStart = stored.row().litellmKeyLastReset();
      if (periodStart != null && periodStart.isAfter(readAt)) {
        continue;
      }
      keys.put(tenantId, stored.row().virtualKey());
      BudgetSnapshot snapshot = liveSnapshot(stored, infos.get(tenantId), readAt);
      fresh.add(snapshot);
      out.put(tenantId, snapshot.status(readAt, SpendSource.LIVE));
    }
    cache.storeAll(fresh, clock.instant());
    return out;
  }

  private List<Stored> readAll(List<String> tenantIds, Instant now) {
    if (tenantIds.isEmpty()) {
      return List.of();
    }
    return jdbi.withHandle(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      Map<String, List<OverrideWindow>> overrides = new HashMap<>();
      for (BudgetOverride o : dao.liveOverridesOf(tenantIds, now)) {
        overrides.computeIfAbsent(o.tenantId(), t -> new ArrayList<>()).add(o.window());
      }
      Map<String, List<SpendSample>> samples = new HashMap<>();
      for (SpendSampleDao.TenantSpendSample s : handle.attach(SpendSampleDao.class)
          .sinceForEach(tenantIds, SpendForecast.earliestUsable(null, now))) {
        samples.computeIfAbsent(s.tenantId(), t -> new ArrayList<>()).add(new SpendSample(s.sampledAt(), s.spend()));
      }
      return dao.findAll(tenantIds).stream().map(row -> new Stored(row,
          overrides.getOrDefault(row.tenantId(), List.of()), samples.getOrDefault(row.tenantId(), List.of()))).toList();
    });
  }

  private Decision live(Stored stored, KeyInfo info, Instant now) {
    BudgetSnapshot live = liveSnapshot(stored, info, now);
    cache.store(live, clock.instant());
    return new Decision(live.status(now, SpendSource.LIVE), stored.row().virtualKey());
  }

  /** The snapshot from a spend LiteLLM just gave (not yet cached). */
  private BudgetSnapshot liveSnapshot(Stored stored, KeyInfo info, Instant now) {
    String tenantId = stored.row().tenantId();
    degradedAnswers.remove(tenantId);
    missingKeys.present(tenantId);
    BigDecimal spend = sanitise(tenantId, info.spend());
    return stored.base().withSpend(spend, now).withBurnRate(stored.burnRate(spend, now));
  }

  /**
   * 409 {@code litellm_key_missing}: LiteLLM says the tenant's key does not exist (deleted outside
   * BudgetGate). Not an outage, so no stale or fail-open answer: the key would not work anyway.
   */
  public static ServiceException keyMissing(String tenantId, String consequence, LiteLlmKeyMissingException cause) {
    return new ServiceException(ServiceException.Kind.CONFLICT, "litellm_key_missing",
        "tenant '" + tenantId + "' has no key in LiteLLM (LiteLLM answered " + cause.status() + " " + cause.type()
            + "): " + consequence + ". Re-provision the key: POST /tasks/reprovision-litellm-key?tenant_id=" + tenantId
            + " on the admin port (ops-runbook/litellm-key-missing.md).", null, cause);
  }

  private Decision fallback(BudgetSnapshot base, Instant now, LiteLlmException cause, ReadFor caller) {
    String tenantId = base.tenantId();
    Optional<BudgetCache.KnownSpend> last = cache.lastKnownSpend(tenantId, now);
    if (last.isPresent()) {
      warnDegraded(now, "answering tenant {} from its last known spend ({} s old): {}", tenantId,
          Duration.between(last.get().at(), now).toSeconds(), cause.getMessage());
      return degraded(base.withSpend(last.get().spend(), last.get().at()), SpendSource.STALE, now, caller);
    }
    if (config.failMode() == BudgetConfig.FailMode.CLOSED) {
      throw ServiceException.unavailable("litellm_unavailable",
          "the spend of tenant '" + tenantId + "' is unknown: LiteLLM cannot be reached and no recent spend is "
              + "known; budget.failMode is closed, so calls are refused until LiteLLM answers", cause);
    }
    warnDegraded(now, "allowing tenant {} without a known spend (failMode open): {}", tenantId, cause.getMessage(), "");
    return degraded(base, SpendSource.UNAVAILABLE, now, caller);
  }

  /** A degraded answer; a check's is kept for {@code budget.degradedTtl} so the next checks of the tenant reuse it. */
  private Decision degraded(BudgetSnapshot snapshot, SpendSource source, Instant now, ReadFor caller) {
    if (caller == ReadFor.CHECK) {
      degradedAnswers.put(snapshot.tenantId(), new Degraded(snapshot, source, now.plus(degradedTtl)));
    }
    return new Decision(snapshot.status(now, source), keys.get(snapshot.tenantId()));
  }

  private BigDecimal sanitise(String tenantId, BigDecimal spend) {
    if (spend.signum() < 0) {
      LOG.warn("LiteLLM reported negative spend {} for tenant {}; counting it as 0", spend, tenantId);
    }
    return BudgetPolicy.sanitiseSpend(spend);
  }

  private void warnDegraded(Instant now, String format, Object a, Object b, Object c) {
    Instant last = lastDegradedWarning.get();
    if (!now.isBefore(last.plus(WARN_EVERY)) && lastDegradedWarning.compareAndSet(last, now)) {
      LOG.warn(format + " (further degraded answers this minute are only counted: budget.decision.degraded)", a, b, c);
    }
  }

  /**
   * Changes max budget, thresholds and/or duration. The change commits first with the key marked
   * pending; then one quick attempt moves the LiteLLM key, and the answer's {@code litellm_sync}
   * says whether it did ({@code synced}) or the key sync goes on trying ({@code pending}). A key
   * LiteLLM says it does not have is a 409 before anything is written.
   */
  public BudgetStanding patch(Caller caller, String tenantId, BudgetPatchRequest request) {
    if (request == null || (request.maxBudget() == null && request.alertThreshold() == null
        && request.graceThreshold() == null && request.budgetDuration() == null)) {
      throw ValidationException.of("body",
          "name at least one of max_budget, alert_threshold, grace_threshold, budget_duration");
    }
    Instant now = clock.instant();
    BudgetRow current = jdbi.withExtension(BudgetDao.class, dao -> dao.find(tenantId))
        .orElseThrow(() -> TenantService.unknownTenant(tenantId));
    merge(current, request, BigDecimal.ZERO, now); // a bad field is a 422 before LiteLLM is asked
    boolean answered = keySync.requireKey(current, "nothing was changed");
    jdbi.useTransaction(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      BudgetRow before = dao.lock(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      BudgetRow after = merge(before, request, BudgetOverride.total(dao.liveOverrides(tenantId, now)), now);
      dao.updateBudget(tenantId, after.maxBudget(), after.alertThreshold(), after.graceThreshold(),
          after.budgetDuration(), after.budgetResetAt(), now);
      boolean newDuration = !Objects.equals(before.budgetDuration(), after.budgetDuration());
      BigDecimal blockAt = keySync.want(handle, tenantId, newDuration, now);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("before", describe(before));
      details.put("after", describe(after));
      details.put("litellm_max_budget", blockAt);
      audit.record(handle, caller.name(), "budget.updated", tenantId, details);
    });
    followChange(tenantId, answered);
    return decide(tenantId).status();
  }

  /**
   * After a committed change: one quick attempt to move the key (skipped when LiteLLM did not
   * answer just before), and the cached status forgotten either way.
   */
  void followChange(String tenantId, boolean litellmAnswered) {
    invalidate(tenantId);
    if (litellmAnswered) {
      try {
        keySync.afterChange(tenantId);
      } catch (RuntimeException e) {
        LOG.warn("tenant {}: could not sync the LiteLLM key right after the change; the key sync retries: {}",
            tenantId, e.toString());
      }
      invalidate(tenantId);
    }
  }

  private static BudgetRow merge(BudgetRow row, BudgetPatchRequest request, BigDecimal unexpiredOverrides, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    BigDecimal max = request.maxBudget() == null ? row.maxBudget() : request.maxBudget();
    if (request.maxBudget() != null) {
      int before = errors.size();
      BudgetFieldChecks.maxBudget(max, errors);
      if (errors.size() == before) {
        BudgetFieldChecks.effectiveBudget("max_budget", max, unexpiredOverrides, errors);
      }
    }
    int alert = request.alertThreshold() == null ? row.alertThreshold() : request.alertThreshold();
    int grace = request.graceThreshold() == null ? row.graceThreshold() : request.graceThreshold();
    BudgetFieldChecks.thresholds(alert, grace, errors);
    String duration = row.budgetDuration();
    Instant resetAt = row.budgetResetAt();
    if (request.budgetDuration() != null) {
      String parsed = BudgetFieldChecks.budgetDuration(request.budgetDuration(), errors);
      if (parsed != null && !parsed.equals(duration)) {
        duration = parsed;
        resetAt = BudgetPeriods.nextReset(BudgetDuration.parse(parsed), now);
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new BudgetRow(row.tenantId(), max.setScale(2), alert, grace, duration, resetAt, row.litellmKeyLastReset(),
        row.virtualKey(), row.version() + 1, row.syncPendingSince(), row.syncGeneration(), row.syncDuration());
  }

  private static Map<String, Object> describe(BudgetRow row) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("max_budget", row.maxBudget());
    out.put("alert_threshold", row.alertThreshold());
    out.put("grace_threshold", row.graceThreshold());
    out.put("budget_duration", row.budgetDuration());
    out.put("budget_reset_at", row.budgetResetAt() == null ? null : row.budgetResetAt().toString());
    return out;
  }

  /**
   * The background key sync, one round: marks pending the keys whose block_at moved because an
   * override started or expired, then tries every pending key that is due (oldest first, at most
   * 100 a round), each outside any transaction, with the client's retries and a read-back.
   * {@code goOn} is asked before each key (the job's lease). Returns how many keys are in sync now.
   */
  public int syncPendingKeys(BooleanSupplier goOn) {
    Instant now = clock.instant();
    List<String> due = jdbi.inTransaction(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      List<String> moved = dao.keysThatMayHaveMoved(now).stream().filter(BudgetService::moved)
          .map(BudgetDao.SyncedKey::tenantId).toList();
      if (!moved.isEmpty()) {
        dao.markPending(moved, now);
      }
      return dao.syncsDue(now, 100);
    });
    int synced = 0;
    for (String tenantId : due) {
      if (!goOn.getAsBoolean()) {
        break;
      }
      try {
        synced += keySync.inBackground(tenantId) ? 1 : 0;
      } catch (RuntimeException e) {
        LOG.warn("could not sync the LiteLLM key budget of tenant {}; will retry: {}", tenantId, e.toString());
      }
      invalidate(tenantId);
    }
    return synced;
  }

  /** Whether today's block_at is no longer what the key was last confirmed to hold. */
  private static boolean moved(BudgetDao.SyncedKey key) {
    BigDecimal blockAt = new BudgetLimits(key.maxBudget().add(key.overrideTotal()), key.alertThreshold(),
        key.graceThreshold()).blockAt();
    return key.syncedMaxBudget() == null || blockAt.compareTo(key.syncedMaxBudget()) != 0;
  }

  /**
   * The reconciler saw the tenant's key listed with {@code listed} as max_budget; when BudgetGate
   * last confirmed another amount ({@code confirmed}, as of the change {@code generation}) the key
   * is marked pending and the sync writes it again. Returns whether it drifted.
   */
  public boolean keyListed(String tenantId, long generation, BigDecimal confirmed, BigDecimal listed) {
    boolean drifted = keySync.checkListed(tenantId, generation, confirmed, listed);
    if (drifted) {
      invalidate(tenantId);
    }
    return drifted;
  }

  /** The tenant's last known spend, if one is recent enough to answer stale with. */
  Optional<BigDecimal> lastKnownSpend(String tenantId, Instant now) {
    return cache.lastKnownSpend(tenantId, now).map(BudgetCache.KnownSpend::spend);
  }

  /** Forgets what is cached for the tenant (after an override, a reset or a webhook). */
  public void invalidate(String tenantId) {
    degradedAnswers.remove(tenantId);
    cache.invalidate(tenantId);
  }

  /** After a period reset: the old spend must not come back as a stale answer. */
  public void forgetSpend(String tenantId) {
    degradedAnswers.remove(tenantId);
    cache.forgetSpend(tenantId);
  }

  KeyBudgetSync keySync() {
    return keySync;
  }
}
