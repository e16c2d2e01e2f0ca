package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.cache.InProcessCache;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.testing.LoggerCapture;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The decision path of {@link BudgetService} on its own: real PostgreSQL rows, the LiteLLM
 * simulator over HTTP, the in-process cache, a clock the test moves, and no Dropwizard app around
 * it, so each case costs milliseconds (the mutation run {@code money-it-decide} runs every case
 * once per mutant it covers). Each case makes its own tenants and keys, so a second run of the
 * class in one JVM finds nothing of the first.
 */
class BudgetDecisionIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = io.budgetgate.testing.TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = io.budgetgate.testing.TestApps.simulator(CLOCK);
  static final VirtualKeys KEYS = new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS));
  static final Jdbi JDBI = jdbi();

  final MetricRegistry metrics = new MetricRegistry();
  final MissingKeys missing = new MissingKeys(metrics);
  final InProcessCache shared = new InProcessCache(CLOCK);
  final List<BudgetStanding> fresh = Collections.synchronizedList(new ArrayList<>());
  @RegisterExtension
  final LoggerCapture log = new LoggerCapture(BudgetService.class);

  static Jdbi jdbi() {
    Jdbi jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    BudgetRowMappers.register(jdbi, KEYS);
    return jdbi;
  }

  @BeforeEach
  void capture() {
    LITELLM.heal();
  }

  @AfterEach
  void release() {
    LITELLM.heal();
  }

  // --- the cache, the live read, and what each is counted as

  @Test
  void aLiveReadIsCachedAndRaisesTheFreshListenerWhileACacheHitDoesNeither() {
    Tenant t = tenant("30.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    BudgetService.Decision first = budgets.decide(t.id);
    assertThat(first.status().source()).isEqualTo(SpendSource.LIVE);
    assertThat(first.status().spend()).isEqualByComparingTo("30.00");
    assertThat(first.key().reveal()).isEqualTo(t.rawKey);
    assertThat(fresh).extracting(BudgetStanding::tenantId).containsExactly(t.id);

    LITELLM.setSpend(t.alias, new BigDecimal("50.00")); // the cache keeps answering what it read
    int calls = infoCalls();
    BudgetService.Decision second = budgets.decide(t.id);
    assertThat(second.status().source()).isEqualTo(SpendSource.CACHE);
    assertThat(second.status().spend()).isEqualByComparingTo("30.00");
    assertThat(second.key().reveal()).isEqualTo(t.rawKey);
    assertThat(infoCalls()).isEqualTo(calls);
    assertThat(fresh).hasSize(1);

    assertThat(metrics.timer("budget.decision.live").getCount()).isEqualTo(1);
    assertThat(metrics.timer("budget.decision.cache").getCount()).isEqualTo(1);
    assertThat(metrics.timer("budget.decision.stale").getCount()).isZero();
    assertThat(metrics.timer("budget.decision.unavailable").getCount()).isZero();
    assertThat(metrics.counter("budget.decision.blocked").getCount()).isZero();
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isZero();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void decidingIfCachedReadsNothingOnAMissAndIsTheCachedDecisionCountedOnAHit() {
    Tenant t = tenant("115.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    int calls = infoCalls();

    assertThat(budgets.decideIfCached(t.id)).as("not cached yet").isEmpty();
    assertThat(infoCalls()).as("and LiteLLM not asked").isEqualTo(calls);
    assertThat(metrics.counter("budget.decision.blocked").getCount()).isZero();
    budgets.decide(t.id);
    BudgetService.Decision hit = budgets.decideIfCached(t.id).orElseThrow();

    assertThat(hit.status().source()).isEqualTo(SpendSource.CACHE);
    assertThat(hit.status().allowed()).isFalse();
    assertThat(hit.key().reveal()).isEqualTo(t.rawKey);
    assertThat(infoCalls()).isEqualTo(calls + 1);
    assertThat(metrics.timer("budget.decision.cache").getCount()).isEqualTo(1);
    assertThat(metrics.counter("budget.decision.blocked").getCount()).as("the live refusal and the cached one").isEqualTo(2);
  }

  @Test
  void aSnapshotCachedByAnotherInstanceIsNotUsedBeforeThisInstanceKnowsTheTenantsKey() {
    Tenant t = tenant("12.00", "100.00");
    budgets(BudgetConfig.FailMode.OPEN).decide(t.id); // another instance fills the shared cache
    BudgetService second = budgets(BudgetConfig.FailMode.OPEN);

    assertThat(second.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
    BudgetService.Decision hit = second.decide(t.id);
    assertThat(hit.status().source()).isEqualTo(SpendSource.CACHE);
    assertThat(hit.key().reveal()).isEqualTo(t.rawKey);
  }

  @Test
  void aRefusalIsCountedBlockedAndNothingElseIs() {
    Tenant over = tenant("110.00", "100.00");
    Tenant under = tenant("109.99", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    assertThat(budgets.decide(under.id).status().allowed()).isTrue();
    assertThat(metrics.counter("budget.decision.blocked").getCount()).isZero();
    assertThat(budgets.decide(over.id).status().allowed()).isFalse();
    assertThat(metrics.counter("budget.decision.blocked").getCount()).isEqualTo(1);
    assertThat(budgets.decide(over.id).status().source()).isEqualTo(SpendSource.CACHE);
    assertThat(metrics.counter("budget.decision.blocked").getCount()).isEqualTo(2);
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isZero();
  }

  @Test
  void theDecisionTimerRecordsTheTimeTheDecisionTook() {
    Tenant t = tenant("1.00", "100.00");
    LITELLM.delay(java.time.Duration.ofMillis(120), 1);
    budgets(BudgetConfig.FailMode.OPEN).decide(t.id);
    long nanos = metrics.timer("budget.decision.live").getSnapshot().getMax();
    assertThat(nanos).isBetween(100_000_000L, 60_000_000_000L);
  }

  @Test
  void aListenerThatFailsDoesNotFailTheDecisionAndIsLogged() {
    Tenant t = tenant("5.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN, s -> {
      throw new IllegalStateException("alerts are down");
    });
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
    assertThat(lines()).containsExactly("WARN could not raise an alert for tenant " + t.id
        + " from a budget check: java.lang.IllegalStateException: alerts are down");
  }

  @Test
  void aNegativeSpendCountsAsZeroWithAWarningAndZeroItselfIsNotWarnedAbout() {
    Tenant negative = tenant("-5.00", "100.00");
    Tenant zero = tenant("0.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    assertThat(budgets.decide(zero.id).status().spend()).isEqualByComparingTo("0");
    assertThat(log.lines()).isEmpty();
    assertThat(budgets.decide(negative.id).status().spend()).isEqualByComparingTo("0");
    assertThat(lines()).containsExactly(
        "WARN LiteLLM reported negative spend -5 for tenant " + negative.id + "; counting it as 0");
  }

  // --- LiteLLM down: the last known spend, fail open, fail closed

  @Test
  void withLiteLlmDownARecentSpendIsAnsweredStaleAndReusedForTheDegradedTtl() {
    Tenant t = tenant("40.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    Instant readAt = CLOCK.instant();
    budgets.decide(t.id);
    budgets.invalidate(t.id); // the snapshot goes, the last known spend stays
    assertThat(budgets.lastKnownSpend(t.id, CLOCK.instant())).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("40.00"));
    CLOCK.advance(java.time.Duration.ofSeconds(30));
    LITELLM.failWith(500, -1);

    int calls = infoCalls();
    BudgetService.Decision stale = budgets.decide(t.id);
    assertThat(stale.status().source()).isEqualTo(SpendSource.STALE);
    assertThat(stale.status().spend()).isEqualByComparingTo("40.00");
    assertThat(stale.status().checkedAt()).isEqualTo(readAt.plusSeconds(30)); // when answered; the spend is 30 s old
    assertThat(stale.key().reveal()).isEqualTo(t.rawKey);
    assertThat(infoCalls()).isEqualTo(calls + 1);
    assertThat(fresh).hasSize(2); // the live read and the stale answer: both are fresh reads
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isEqualTo(1);
    assertThat(metrics.timer("budget.decision.stale").getCount()).isEqualTo(1);
    assertThat(lines()).singleElement().asString()
        .startsWith("WARN answering tenant " + t.id + " from its last known spend (30 s old): ")
        .endsWith(" (further degraded answers this minute are only counted: budget.decision.degraded)");

    CLOCK.advance(java.time.Duration.ofMillis(4_999)); // budget.degradedTtl is 5 s: LiteLLM is not asked again
    BudgetService.Decision reused = budgets.decide(t.id);
    assertThat(reused.status().source()).isEqualTo(SpendSource.STALE);
    assertThat(reused.key().reveal()).isEqualTo(t.rawKey);
    assertThat(infoCalls()).isEqualTo(calls + 1);
    assertThat(fresh).hasSize(3); // a stale answer goes to the alerts each time (they keep one per level and period)
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isEqualTo(2);

    CLOCK.advance(java.time.Duration.ofMillis(1)); // at the end of the TTL it asks again
    budgets.decide(t.id);
    assertThat(infoCalls()).isEqualTo(calls + 2);

    LITELLM.heal();
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    budgets.invalidate(t.id); // forgets the kept degraded answer as well
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
  }

  @Test
  void withLiteLlmDownAndNoKnownSpendFailOpenAllowsUnavailable() {
    Tenant t = tenant("99.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    LITELLM.failWith(500, -1);

    BudgetService.Decision d = budgets.decide(t.id);
    assertThat(d.status().source()).isEqualTo(SpendSource.UNAVAILABLE);
    assertThat(d.status().allowed()).isTrue();
    assertThat(d.status().spend()).isNull();
    assertThat(d.key().reveal()).isEqualTo(t.rawKey);
    assertThat(fresh).isEmpty();
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isEqualTo(1);
    assertThat(metrics.timer("budget.decision.unavailable").getCount()).isEqualTo(1);
    assertThat(lines()).singleElement().asString()
        .startsWith("WARN allowing tenant " + t.id + " without a known spend (failMode open): ")
        .endsWith(" (further degraded answers this minute are only counted: budget.decision.degraded)");
  }

  @Test
  void withLiteLlmDownAndNoKnownSpendFailClosedRefusesWith503() {
    Tenant t = tenant("1.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.CLOSED);
    LITELLM.failWith(500, -1);

    assertThatThrownBy(() -> budgets.decide(t.id)).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE);
      assertThat(e.error()).isEqualTo("litellm_unavailable");
      assertThat(e.getMessage()).isEqualTo("the spend of tenant '" + t.id + "' is unknown: LiteLLM cannot be reached"
          + " and no recent spend is known; budget.failMode is closed, so calls are refused until LiteLLM answers");
    });
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void aSpendForgottenAtAResetIsNotAnsweredStale() {
    Tenant t = tenant("70.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    budgets.decide(t.id);
    budgets.forgetSpend(t.id);
    assertThat(budgets.lastKnownSpend(t.id, CLOCK.instant())).isEmpty();
    LITELLM.failWith(500, -1);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.UNAVAILABLE);
  }

  @Test
  void forgettingTheSpendAlsoForgetsAKeptDegradedAnswer() {
    Tenant t = tenant("70.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    LITELLM.failWith(500, -1);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.UNAVAILABLE);
    LITELLM.heal();
    budgets.forgetSpend(t.id);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
  }

  @Test
  void degradedAnswersAreWarnedAboutOncePerMinute() {
    Tenant a = tenant("1.00", "100.00");
    Tenant b = tenant("2.00", "100.00");
    Tenant c = tenant("3.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    LITELLM.failWith(500, -1);

    budgets.decide(a.id);
    CLOCK.advance(java.time.Duration.ofMillis(59_999));
    budgets.decide(b.id);
    assertThat(lines()).hasSize(1).allMatch(l -> l.contains(a.id));
    CLOCK.advance(java.time.Duration.ofMillis(1));
    budgets.decide(c.id);
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1)).contains(c.id);
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isEqualTo(3);
  }

  // --- a key LiteLLM does not have

  @Test
  void aKeyLiteLlmDoesNotHaveIsA409NamingTheReprovisionTaskAndIsListedMissing() {
    Tenant t = tenant("1.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    LITELLM.deleteKey(t.alias);
    Instant at = CLOCK.instant();

    assertThatThrownBy(() -> budgets.decide(t.id)).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
      assertThat(e.error()).isEqualTo("litellm_key_missing");
      assertThat(e.getMessage()).startsWith("tenant '" + t.id + "' has no key in LiteLLM (LiteLLM answered ")
          .endsWith("): its budget cannot be read and its calls are refused. Re-provision the key: "
              + "POST /tasks/reprovision-litellm-key?tenant_id=" + t.id + " on the admin port (ops-runbook/litellm-key-missing.md).");
    });
    assertThat(missing.now()).containsEntry(t.id, at);
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isZero();

    LITELLM.createKey(t.rawKey, t.alias, new BigDecimal("110.00"), null, new BigDecimal("1.00"));
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE);
    assertThat(missing.now()).doesNotContainKey(t.id);
  }

  @Test
  void anUnknownTenantIsA404() {
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    assertThatThrownBy(() -> budgets.decide("nobody-" + UUID.randomUUID())).isInstanceOfSatisfying(ServiceException.class,
        e -> assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND));
    assertThatThrownBy(() -> budgets.effectiveBudget("nobody-" + UUID.randomUUID()))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND));
  }

  // --- the jobs' reads

  @Test
  void theReconcilersReadRetriesWhereACheckTriesOnceAndKeepsNoDegradedAnswer() {
    Tenant t = tenant("20.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    LITELLM.failWith(500, 2); // the job's client tries three times
    BudgetStanding job = budgets.liveStatus(t.id);
    assertThat(job.source()).isEqualTo(SpendSource.LIVE);
    assertThat(job.spend()).isEqualByComparingTo("20.00");
    assertThat(fresh).isEmpty(); // the reconciler raises its own alerts

    LITELLM.failWith(500, -1);
    budgets.invalidate(t.id);
    budgets.forgetSpend(t.id);
    assertThat(budgets.liveStatus(t.id).source()).isEqualTo(SpendSource.UNAVAILABLE);
    LITELLM.heal();
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.LIVE); // nothing kept for checks

    LITELLM.failWith(500, 1); // a check does not retry
    budgets.invalidate(t.id);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.STALE);
  }

  @Test
  void theReconcilersReadIsCachedForTheNextCheck() {
    Tenant t = tenant("20.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    budgets.liveStatus(t.id);
    assertThat(budgets.decide(t.id).status().source()).isEqualTo(SpendSource.CACHE);
  }

  @Test
  void aPageOfKeysGivesStatusesAsOfItsReadTimeAndLeavesOutTenantsWhosePeriodBeganAfter() {
    Tenant a = tenant("55.00", "100.00");
    Tenant reset = tenant("5.00", "100.00");
    Tenant resetBefore = tenant("7.00", "100.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    Instant readAt = CLOCK.instant();
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?",
        Timestamp.from(readAt.plusSeconds(1)), reset.id);
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?",
        Timestamp.from(readAt), resetBefore.id); // a period that began at the read itself: the page is of it
    CLOCK.advance(java.time.Duration.ofSeconds(2));
    LITELLM.failWith(500, -1); // nothing below asks LiteLLM: the page is the spend

    Map<String, BudgetStanding> statuses = budgets.liveStatuses(Map.of(
        a.id, keyInfo(a, "55.00"), reset.id, keyInfo(reset, "5.00"), resetBefore.id, keyInfo(resetBefore, "7.00"),
        "gone-" + UUID.randomUUID(), keyInfo(a, "1.00")), readAt);
    assertThat(statuses).containsOnlyKeys(a.id, resetBefore.id);
    assertThat(statuses.get(resetBefore.id).spend()).isEqualByComparingTo("7.00");
    BudgetStanding s = statuses.get(a.id);
    assertThat(s.source()).isEqualTo(SpendSource.LIVE);
    assertThat(s.checkedAt()).isEqualTo(readAt);
    assertThat(s.spend()).isEqualByComparingTo("55.00");

    BudgetService.Decision cached = budgets.decide(a.id);
    assertThat(cached.status().source()).isEqualTo(SpendSource.CACHE);
    assertThat(cached.key().reveal()).isEqualTo(a.rawKey);
    assertThat(budgets.liveStatuses(Map.of(), readAt)).isEmpty();
  }

  @Test
  void aPageReadCountsEachTenantsOwnOverridesAndSamples() {
    Tenant a = tenant("60.00", "100.00");
    Tenant b = tenant("60.00", "100.00");
    Instant now = CLOCK.instant();
    override(a, "50.00", now.minusSeconds(60), now.plusSeconds(3600));
    sample(b, now.minusSeconds(3600), "30.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    Map<String, BudgetStanding> statuses = budgets.liveStatuses(
        Map.of(a.id, keyInfo(a, "60.00"), b.id, keyInfo(b, "60.00")), now);
    assertThat(statuses.get(a.id).effectiveBudget()).isEqualByComparingTo("150.00");
    assertThat(statuses.get(a.id).projectedBlockAt()).isNull();
    assertThat(statuses.get(b.id).effectiveBudget()).isEqualByComparingTo("100.00");
    // 30 an hour from 60: block_at 110 is 50 away, 1 h 40 min
    assertThat(statuses.get(b.id).projectedBlockAt()).isEqualTo(now.plusSeconds(6_000));
  }

  // --- budgets: overrides and the burn rate

  @Test
  void theEffectiveBudgetCountsOnlyTheOverridesActiveNow() {
    Tenant t = tenant("0.00", "100.00");
    Instant now = CLOCK.instant();
    override(t, "50.00", now.minusSeconds(60), now.plusSeconds(3600));
    override(t, "30.00", now.minusSeconds(7200), now.minusSeconds(1));
    override(t, "20.00", now.plusSeconds(60), now.plusSeconds(3600));
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);

    assertThat(budgets.effectiveBudget(t.id)).isEqualByComparingTo("150.00");
    BudgetStanding status = budgets.decide(t.id).status();
    assertThat(status.effectiveBudget()).isEqualByComparingTo("150.00");
    assertThat(status.overrideTotal()).isEqualByComparingTo("50.00");
  }

  @Test
  void aWebhooksSpendIsJudgedAgainstTheEffectiveBudget() {
    Tenant t = tenant("0.00", "100.00");
    Instant now = CLOCK.instant();
    override(t, "50.00", now.minusSeconds(60), now.plusSeconds(3600));
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    LITELLM.failWith(500, -1); // the spend is given: LiteLLM is not asked

    BudgetStanding status = budgets.statusForSpend(t.id, new BigDecimal("164.99"));
    assertThat(status.state()).isEqualTo(BudgetState.CRITICAL);
    assertThat(status.source()).isEqualTo(SpendSource.LIVE);
    assertThat(status.checkedAt()).isEqualTo(now);
    assertThat(budgets.statusForSpend(t.id, new BigDecimal("165.00")).state()).isEqualTo(BudgetState.BLOCKED);
  }

  @Test
  void theBurnRateUsesTheStoredSamplesOfThisPeriodAndTheSpendJustRead() {
    Tenant t = tenant("60.00", "100.00");
    Instant now = CLOCK.instant();
    sample(t, now.minusSeconds(3600), "30.00");
    BudgetService budgets = budgets(BudgetConfig.FailMode.OPEN);
    BudgetStanding live = budgets.decide(t.id).status();
    assertThat(live.projectedBlockAt()).isEqualTo(now.plusSeconds(6_000));
    assertThat(budgets.statusForSpend(t.id, new BigDecimal("60.00")).projectedBlockAt()).isEqualTo(now.plusSeconds(6_000));

    // a period that began after the sample: one point, no rate
    execute("UPDATE tenant_configs SET litellm_key_last_reset = ? WHERE tenant_id = ?",
        Timestamp.from(now.minusSeconds(600)), t.id);
    budgets.invalidate(t.id);
    assertThat(budgets.decide(t.id).status().projectedBlockAt()).isNull();
  }

  // --- fixtures

  record Tenant(String id, String alias, String rawKey) {}

  BudgetService budgets(BudgetConfig.FailMode failMode) {
    return budgets(failMode, fresh::add);
  }

  BudgetService budgets(BudgetConfig.FailMode failMode, Consumer<BudgetStanding> listener) {
    LiteLlmConfig config = new LiteLlmConfig(LITELLM.baseUrl(), TestTokens.LITELLM_MASTER_KEY, Duration.seconds(2), 3,
        Duration.milliseconds(5), 1.0, null, null);
    BudgetCache cache = new BudgetCache(shared, Jackson.newObjectMapper(), java.time.Duration.ofSeconds(60),
        java.time.Duration.ofMinutes(10), metrics);
    BudgetConfig budget = new BudgetConfig(null, null, failMode, null, null, null, null, null);
    return new BudgetService(JDBI, new LiteLlmClient(config, Jackson.newObjectMapper(), metrics), missing, cache,
        new AuditLog(JDBI, CLOCK, Jackson.newObjectMapper()), budget, listener, CLOCK, metrics);
  }

  /** A tenant with block_at at 110 % of {@code maxBudget}, alert at 80 %, and a LiteLLM key with this spend. */
  Tenant tenant(String spend, String maxBudget) {
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String raw = "sk-" + UUID.randomUUID().toString().replace("-", "");
    String alias = "budgetgate-" + id;
    VirtualKey key = new VirtualKey(raw);
    BigDecimal max = new BigDecimal(maxBudget);
    LITELLM.createKey(raw, alias, max.multiply(new BigDecimal("1.1")), null, new BigDecimal(spend));
    JDBI.useHandle(h -> h.createUpdate("""
        INSERT INTO tenant_configs (tenant_id, name, max_budget, alert_threshold, grace_threshold, litellm_key_alias,
                                    litellm_key_hash, litellm_virtual_key, created_at, updated_at)
        VALUES (:id, :id, :max, 80, 110, :alias, :hash, :sealed, :now, :now)""")
        .bind("id", id).bind("max", max).bind("alias", alias).bind("hash", key.hash())
        .bind("sealed", KEYS.seal(id, key)).bind("now", CLOCK.instant()).execute());
    return new Tenant(id, alias, raw);
  }

  void override(Tenant t, String amount, Instant startsAt, Instant expiresAt) {
    JDBI.useExtension(BudgetDao.class, dao -> dao.insertOverride(UUID.randomUUID(), t.id, new BigDecimal(amount),
        "test", startsAt, expiresAt, "test", startsAt));
  }

  void sample(Tenant t, Instant at, String spend) {
    JDBI.useExtension(SpendSampleDao.class, dao -> dao.insert(t.id, at, new BigDecimal(spend), null));
  }

  static void execute(String sql, Object... args) {
    JDBI.useHandle(h -> {
      var update = h.createUpdate(sql);
      for (int i = 0; i < args.length; i++) {
        update.bind(i, args[i]);
      }
      update.execute();
    });
  }

  io.budgetgate.litellm.api.KeyInfo keyInfo(Tenant t, String spend) {
    return new io.budgetgate.litellm.api.KeyInfo(t.alias, new BigDecimal(spend), null, null, null);
  }

  int infoCalls() {
    return LITELLM.callCount("/key/info");
  }

  List<String> lines() {
    return log.lines();
  }
}
