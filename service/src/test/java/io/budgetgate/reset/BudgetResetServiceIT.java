package io.budgetgate.reset;

import static io.budgetgate.testing.StoredRows.instant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.audit.AuditWiring;
import io.budgetgate.budget.BudgetConfig;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.budget.ReservationConfig;
import io.budgetgate.budget.SpendSource;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.litellm.LiteLlmWiring;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.notify.MessageRenderer;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.cache.InProcessCache;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.tenant.TenantDefaults;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.tenant.TenantWiring;
import io.budgetgate.testing.LoggerCapture;
import io.budgetgate.testing.StoredRows;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.lifecycle.JettyManaged;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BudgetResetService} on its own: built by {@link ResetWiring} (with its job and notices) on
 * a Dropwizard environment that is never started, over a migrated PostgreSQL database of its own,
 * the tenant, budget and audit features wired by their own wiring classes, the LiteLLM simulator
 * over HTTP, an outbox that counts its nudges and a clock the test moves. No app starts, so each
 * case costs milliseconds and the mutation run {@code money-it-edges} can run every case once per
 * mutant it covers. Each case makes its own tenants; the cases that run the job first start every
 * period an earlier case (or a first run of this class in the same JVM) left due at their instant,
 * so a round counts only this case's tenants.
 */
class BudgetResetServiceIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final VirtualKeys KEYS = new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS));
  static final Jdbi JDBI = jdbi();
  static final Wired WIRED = wire();
  /** The calendar boundary most cases reset at: a 30d period that ends on the 1st. */
  static final Instant BOUNDARY = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant NEXT_BOUNDARY = Instant.parse("2027-01-01T00:00:00Z");
  static final String JOB = BudgetResetJob.ACTOR;
  static final String REFUSED = "test: budget.reset refused";

  static {
    LITELLM.missingKeyLookupDelay(Duration.ZERO); // LiteLLM's own retries before it says a key is missing: not what is tested
    installRefusals();
  }

  final AtomicInteger nudges = new AtomicInteger();
  final Resets resets = resets(client(LITELLM.baseUrl()), nudges);
  @RegisterExtension
  final LoggerCapture log = new LoggerCapture(BudgetResetService.class, BudgetResetJob.class);

  @BeforeEach
  void capture() {
    LITELLM.heal();
  }

  @AfterEach
  void release() {
    LITELLM.heal();
  }

  // --- which periods are due

  @Test
  void theJobStartsAPeriodAtTheExactInstantItEndsNotAMicrosecondBeforeAndOnlyOnce() {
    CLOCK.set(BOUNDARY);
    settleDueRounds();
    TenantRow endedBefore = tenant().resetAt(BOUNDARY.minusNanos(1_000)).create();
    TenantRow endsNow = tenant().resetAt(BOUNDARY).create();
    TenantRow endsLater = tenant().resetAt(BOUNDARY.plusNanos(1_000)).create();

    assertThat(resets.job().runOnce()).isEqualTo(2);

    assertThat(period(endedBefore)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    assertThat(period(endsNow)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    assertThat(period(endsLater)).as("a microsecond before its end").isEqualTo(new Period(null, BOUNDARY.plusNanos(1_000)));
    assertThat(LITELLM.spendOf(endsLater.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("40"));
    assertThat(resetAudits(endsLater)).isEmpty();
    assertThat(resets.job().runOnce()).as("the same round again").isZero();

    CLOCK.advance(Duration.ofNanos(1_000));
    assertThat(resets.job().runOnce()).isEqualTo(1);

    assertThat(period(endsLater)).isEqualTo(new Period(BOUNDARY.plusNanos(1_000), NEXT_BOUNDARY));
    for (TenantRow t : List.of(endedBefore, endsNow, endsLater)) {
      assertThat(resetAudits(t)).as(t.id).singleElement().satisfies(a -> assertThat(a.actor()).isEqualTo(JOB));
      assertThat(notices(t)).as(t.id).hasSize(1);
      assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
    }
    assertThat(nudges).hasValue(3);
  }

  @Test
  void theServiceStartsOnlyAnEndedPeriodOnItsOwnButAnyPeriodWhenAnAdminAsks() {
    Instant now = CLOCK.instant();
    TenantRow endsNow = tenant().resetAt(now).create();
    TenantRow endsLater = tenant().resetAt(now.plusNanos(1_000)).create();
    TenantRow noPeriod = tenant().duration(null).resetAt(null).create();
    int infoCalls = LITELLM.callCount("/key/info");
    int updates = LITELLM.callCount("/key/update");

    assertThat(resets.service().reset(JOB, endsLater.id, false)).isFalse();
    assertThat(resets.service().reset(JOB, noPeriod.id, false)).isFalse();

    assertThat(LITELLM.callCount("/key/info")).as("a period not due asks LiteLLM nothing").isEqualTo(infoCalls);
    assertThat(LITELLM.callCount("/key/update")).isEqualTo(updates);
    assertThat(period(endsLater)).isEqualTo(new Period(null, now.plusNanos(1_000)));
    assertThat(resetAudits(endsLater)).isEmpty();
    assertThat(resetAudits(noPeriod)).isEmpty();
    assertThat(notices(noPeriod)).isEmpty();

    assertThat(resets.service().reset(JOB, endsNow.id, false)).isTrue();
    assertThat(resets.service().reset("ops", endsLater.id, true)).isTrue();
    assertThat(resets.service().reset("ops", noPeriod.id, true)).isTrue();

    assertThat(period(endsNow)).isEqualTo(new Period(now, BOUNDARY));
    assertThat(period(endsLater)).isEqualTo(new Period(now, BOUNDARY));
    assertThat(period(noPeriod)).as("no duration: no next reset").isEqualTo(new Period(now, null));
    assertThat(resetAudits(noPeriod)).singleElement().satisfies(a -> assertThat(a.details()).contains(
        entry("trigger", "on_demand"), entry("period_ended_at", null), entry("next_reset_at", null),
        entry("litellm_spend_zeroed", "true")));
    assertThat(LITELLM.spendOf(noPeriod.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
  }

  // --- what a reset writes

  @Test
  void aPeriodEndResetZeroesTheKeyStartsTheNextPeriodAndWritesItsNoticeOutboxRowsAndAuditOnce() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().spend("87.456").emails("a@reset.test", "b@reset.test").slack("http://127.0.0.1:9/slack")
        .resetAt(BOUNDARY).create();
    override(t, "50.00");
    assertThat(WIRED.budgets().service().decide(t.id).status().spend()).as("a cached spend of the ended period")
        .isEqualByComparingTo("87.456");

    assertThat(resets.service().reset(JOB, t.id, false)).isTrue();

    assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
    assertThat(LITELLM.maxBudgetOf(t.alias)).as("only the spend is written").hasValueSatisfying(
        m -> assertThat(m).isEqualByComparingTo("110"));
    assertThat(LITELLM.budgetResetAtOf(t.alias)).as("the duration sent again: LiteLLM's schedule lines up").contains(NEXT_BOUNDARY);
    assertThat(period(t)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    assertThat(versionAndUpdatedAt(t)).isEqualTo("1 " + BOUNDARY);
    Notice notice = notices(t).get(0);
    assertThat(notices(t)).containsExactly(new Notice(notice.id(), t.id, BOUNDARY, t.created, new BigDecimal("87.456000"),
        new BigDecimal("150.00"), NEXT_BOUNDARY, "period_end", BOUNDARY));
    assertThat(outboxRows(t)).containsExactly(
        new OutboxRow(notice.id(), t.id, "email", "a@reset.test", "pending", 0, BOUNDARY, BOUNDARY),
        new OutboxRow(notice.id(), t.id, "email", "b@reset.test", "pending", 0, BOUNDARY, BOUNDARY),
        new OutboxRow(notice.id(), t.id, "slack", "http://127.0.0.1:9/slack", "pending", 0, BOUNDARY, BOUNDARY));
    assertThat(messages(t)).hasSize(3).allSatisfy(m -> assertThat(m).usingRecursiveComparison()
        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
        .isEqualTo(new MessageRenderer.ResetFigures(t.id, t.name, new BigDecimal("87.456"), new BigDecimal("150"),
            NEXT_BOUNDARY, "period_end")));
    assertThat(resetAudits(t)).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo(JOB);
      assertThat(a.occurredAt()).isEqualTo(BOUNDARY);
      assertThat(a.details()).containsOnly(entry("trigger", "period_end"), entry("period_ended_at", "2026-12-01T00:00:00Z"),
          entry("next_reset_at", "2027-01-01T00:00:00Z"), entry("litellm_spend_zeroed", "true"),
          entry("final_spend", "87.456"), entry("notice", "queued"));
    });
    assertThat(nudges).as("the outbox is woken once, after the commit").hasValue(1);
    assertThat(lines()).containsExactly("INFO budget period of tenant " + t.id + " reset by " + JOB + " (notice: queued)");
    assertThat(WIRED.budgets().service().decide(t.id).status()).as("the ended period's cached spend is forgotten")
        .satisfies(s -> {
          assertThat(s.source()).isEqualTo(SpendSource.LIVE);
          assertThat(s.spend()).isEqualByComparingTo("0");
        });
  }

  @Test
  void anAdminResetZeroesTheSpendWhateverLiteLlmDidAndItsNextPeriodRunsFromNow() {
    CLOCK.set(Instant.parse("2026-11-20T17:00:00Z"));
    Instant lastReset = Instant.parse("2026-11-01T00:00:00Z");
    TenantRow t = tenant().spend("63.20").lastReset(lastReset).resetAt(BOUNDARY).create();
    LITELLM.setBudgetResetAt(t.alias, BOUNDARY.plus(Duration.ofDays(3))); // LiteLLM's own date is ahead: the job would leave it

    assertThat(resets.service().reset("ops-admin", t.id, true)).isTrue();

    assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
    assertThat(period(t)).isEqualTo(new Period(CLOCK.instant(), BOUNDARY));
    assertThat(notices(t)).singleElement().satisfies(n -> {
      assertThat(n.previousPeriodStart()).as("the last reset, not the creation").isEqualTo(lastReset);
      assertThat(n.finalSpend()).isEqualTo(new BigDecimal("63.200000"));
      assertThat(n.trigger()).isEqualTo("on_demand");
    });
    assertThat(resetAudits(t)).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("ops-admin");
      assertThat(a.details()).containsOnly(entry("trigger", "on_demand"), entry("period_ended_at", "2026-12-01T00:00:00Z"),
          entry("next_reset_at", "2026-12-01T00:00:00Z"), entry("litellm_spend_zeroed", "true"),
          entry("final_spend", "63.2"), entry("notice", "queued"));
    });
    assertThat(lines()).containsExactly("INFO budget period of tenant " + t.id + " reset by ops-admin (notice: queued)");
  }

  @Test
  void theJobZeroesTheKeyUnlessLiteLlmsOwnResetDateIsAlreadyPastNow() {
    CLOCK.set(BOUNDARY);
    TenantRow litellmFirst = tenant().spend("3.00").resetAt(BOUNDARY).create();
    TenantRow litellmExactlyNow = tenant().spend("71.00").resetAt(BOUNDARY).create();
    TenantRow litellmWithoutDate = tenant().spend("72.00").resetAt(BOUNDARY).create();
    LITELLM.setBudgetResetAt(litellmFirst.alias, BOUNDARY.plusNanos(1_000)); // its own reset ran: 3.00 is the new period's
    LITELLM.setBudgetResetAt(litellmExactlyNow.alias, BOUNDARY);
    LITELLM.setBudgetResetAt(litellmWithoutDate.alias, null);
    sample(litellmFirst, t -> t.created.minusSeconds(60), "999.00"); // a sample of the period before: never the final spend
    sample(litellmFirst, t -> t.created.plus(Duration.ofDays(5)), "40.00");
    sample(litellmFirst, t -> t.created.plus(Duration.ofDays(20)), "91.25");
    int updates = LITELLM.callCount("/key/update");

    for (TenantRow t : List.of(litellmFirst, litellmExactlyNow, litellmWithoutDate)) {
      assertThat(resets.service().reset(JOB, t.id, false)).as(t.id).isTrue();
    }

    assertThat(LITELLM.callCount("/key/update")).isEqualTo(updates + 2);
    assertThat(LITELLM.spendOf(litellmFirst.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("3.00"));
    assertThat(resetAudits(litellmFirst)).singleElement().satisfies(a -> assertThat(a.details()).contains(
        entry("litellm_spend_zeroed", "false"), entry("final_spend", "91.2500"), entry("notice", "queued")));
    assertThat(notices(litellmFirst)).singleElement().satisfies(n -> assertThat(n.finalSpend())
        .as("no spend read: the ended period's last sample").isEqualTo(new BigDecimal("91.250000")));
    assertThat(period(litellmFirst)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    for (TenantRow t : List.of(litellmExactlyNow, litellmWithoutDate)) {
      assertThat(LITELLM.spendOf(t.alias)).as(t.id).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
      assertThat(resetAudits(t)).as(t.id).singleElement().satisfies(a -> assertThat(a.details())
          .contains(entry("litellm_spend_zeroed", "true")));
    }
    assertThat(notices(litellmWithoutDate)).singleElement().satisfies(n -> assertThat(n.finalSpend())
        .isEqualTo(new BigDecimal("72.000000")));
  }

  @Test
  void theNewPeriodStartsWhenLiteLlmZeroedTheSpendNotWhenTheResetBegan() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().resetAt(BOUNDARY).create();
    Instant zeroedAt = BOUNDARY.plusSeconds(2);
    Resets slow = resets(new Interleaving(() -> CLOCK.set(zeroedAt)), nudges); // LiteLLM takes 2 s to answer the update

    assertThat(slow.service().reset(JOB, t.id, false)).isTrue();

    assertThat(period(t)).isEqualTo(new Period(zeroedAt, NEXT_BOUNDARY));
    assertThat(notices(t)).singleElement().satisfies(n -> assertThat(n.periodStart()).isEqualTo(zeroedAt));
  }

  @Test
  void aTenantWithoutContactsIsResetWithItsNoticeStoredAsNoRecipientsAndNothingWoken() {
    TenantRow t = tenant().emails().create();

    assertThat(resets.service().reset("ops", t.id, true)).isTrue();

    assertThat(notices(t)).hasSize(1);
    assertThat(outboxRows(t)).isEmpty();
    assertThat(resetAudits(t)).singleElement().satisfies(a -> assertThat(a.details()).contains(entry("notice", "no_recipients")));
    assertThat(nudges).hasValue(0);
    assertThat(lines()).containsExactly("INFO budget period of tenant " + t.id + " reset by ops (notice: no_recipients)");
  }

  // --- never twice for one period

  @Test
  void aSecondResetAtTheSameInstantStartsTheSamePeriodAndQueuesNoSecondNotice() {
    TenantRow t = tenant().create();

    assertThat(resets.service().reset("ops", t.id, true)).isTrue();
    LITELLM.setSpend(t.alias, new BigDecimal("1.50"));
    assertThat(resets.service().reset("ops", t.id, true)).isTrue();

    assertThat(notices(t)).hasSize(1);
    assertThat(outboxRows(t)).hasSize(1);
    assertThat(resetAudits(t)).extracting(a -> a.details().get("notice")).containsExactly("queued", "duplicate");
    assertThat(resetAudits(t).get(1).details()).as("the duplicate still records what it read")
        .contains(entry("final_spend", "1.5"));
    assertThat(nudges).as("a duplicate wakes nobody").hasValue(1);
    assertThat(lines()).containsExactly("INFO budget period of tenant " + t.id + " reset by ops (notice: queued)",
        "INFO budget period of tenant " + t.id + " reset by ops (notice: duplicate)");
  }

  @Test
  void aResetThatFindsThePeriodStartedByAnotherInstanceMeanwhileWritesNothing() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().spend("55.00").resetAt(BOUNDARY).create();
    AtomicInteger otherNudges = new AtomicInteger();
    Resets other = resets(client(LITELLM.baseUrl()), otherNudges);
    // while this instance waits on LiteLLM, another one starts the period
    Resets first = resets(new Interleaving(() -> assertThat(other.service().reset("other-instance", t.id, false)).isTrue()),
        nudges);

    assertThat(first.service().reset(JOB, t.id, false)).as("another instance got there first").isFalse();

    assertThat(resetAudits(t)).singleElement().satisfies(a -> assertThat(a.actor()).isEqualTo("other-instance"));
    assertThat(notices(t)).hasSize(1);
    assertThat(period(t)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    assertThat(nudges).hasValue(0);
    assertThat(otherNudges).hasValue(1);
    assertThat(lines()).containsExactly("INFO budget period of tenant " + t.id + " reset by other-instance (notice: queued)");
  }

  @Test
  void aResetWhoseCommitFailsIsStillDueAndTheNextRoundRecordsItWithoutZeroingTheNewPeriodsSpend() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().spend("95.00").resetAt(BOUNDARY).create();
    refuse(t);
    try {
      Throwable failed = catchThrowable(() -> resets.service().reset(JOB, t.id, false));

      assertThat(failed).isInstanceOf(JdbiException.class).hasMessageContaining(REFUSED);
      assertThat(LITELLM.spendOf(t.alias)).as("LiteLLM was zeroed before the transaction")
          .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
      assertThat(LITELLM.budgetResetAtOf(t.alias)).contains(NEXT_BOUNDARY);
      assertThat(period(t)).as("still due").isEqualTo(new Period(null, BOUNDARY));
      assertThat(notices(t)).isEmpty();
      assertThat(outboxRows(t)).isEmpty();
      assertThat(nudges).hasValue(0);
    } finally {
      allow(t);
    }
    CLOCK.advance(Duration.ofMinutes(1));
    LITELLM.setSpend(t.alias, new BigDecimal("2.50")); // spent in the new period since

    assertThat(resets.service().reset(JOB, t.id, false)).isTrue();

    assertThat(LITELLM.spendOf(t.alias)).as("the new period's spend is kept").hasValueSatisfying(
        s -> assertThat(s).isEqualByComparingTo("2.50"));
    assertThat(resetAudits(t)).singleElement().satisfies(a -> assertThat(a.details()).contains(
        entry("litellm_spend_zeroed", "false"), entry("final_spend", null), entry("notice", "queued")));
    assertThat(period(t)).isEqualTo(new Period(BOUNDARY.plusSeconds(60), NEXT_BOUNDARY));
    assertThat(notices(t)).singleElement().satisfies(n -> assertThat(n.finalSpend()).as("not read, no sample").isNull());
  }

  @Test
  void aRoundWhileAnotherInstanceHoldsTheLeaseResetsNothing() {
    CLOCK.set(BOUNDARY);
    settleDueRounds();
    TenantRow t = tenant().resetAt(BOUNDARY).create();
    execute("INSERT INTO job_leases (name, holder, expires_at) VALUES (?, 'another-instance', now() + interval '1 minute')",
        BudgetResetJob.LEASE);
    try {
      assertThat(resets.job().runOnce()).isEqualTo(-1);
      assertThat(period(t)).isEqualTo(new Period(null, BOUNDARY));
      assertThat(resetAudits(t)).isEmpty();
    } finally {
      execute("DELETE FROM job_leases WHERE name = ?", BudgetResetJob.LEASE);
    }
    assertThat(resets.job().runOnce()).isEqualTo(1);
    assertThat(resetAudits(t)).hasSize(1);
  }

  // --- LiteLLM failing

  @Test
  void whenLiteLlmAnswers500TheResetIsRefusedAs503AndNothingChanges() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().spend("80.00").resetAt(BOUNDARY).create();
    int infoCalls = LITELLM.callCount("/key/info");
    LITELLM.failWith(500, -1);

    ServiceException refused = serviceError(() -> resets.service().reset(JOB, t.id, false));

    assertThat(refused.kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE);
    assertThat(refused.error()).isEqualTo("litellm_unavailable");
    assertThat(refused.getMessage()).isEqualTo("the budget period of tenant '" + t.id + "' was not reset: LiteLLM could not "
        + "zero the key's spend (LiteLLM GET /key/info answered 500: simulated failure). Nothing changed.");
    assertThat(LITELLM.callCount("/key/info")).as("the client's three attempts").isEqualTo(infoCalls + 3);
    assertNothingChanged(t, "80.00");
    assertThat(lines()).isEmpty();
  }

  @Test
  void whenLiteLlmCannotZeroTheSpendAnAdminResetIs503AndNothingChanges() {
    TenantRow t = tenant().spend("80.00").create();
    LITELLM.failWith(500, -1);

    ServiceException refused = serviceError(() -> resets.service().reset("ops", t.id, true));

    assertThat(refused.kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE);
    assertThat(refused.getMessage()).isEqualTo("the budget period of tenant '" + t.id + "' was not reset: LiteLLM could not "
        + "zero the key's spend (LiteLLM POST /key/update answered 500: simulated failure). Nothing changed.");
    assertNothingChanged(t, "80.00");
    assertThat(lines()).containsExactly("WARN could not read tenant " + t.id + "'s spend before resetting it; the reset "
        + "notice uses the last sample: LiteLLM GET /key/info answered 500: simulated failure");
  }

  @Test
  void anAdminResetWhoseSpendReadFailsStillResetsAndItsNoticeTakesTheLastSample() {
    TenantRow t = tenant().spend("80.00").create();
    sample(t, r -> r.created.plus(Duration.ofHours(2)), "77.10");
    LITELLM.failWith(500, 3); // the read's three attempts; the update goes through

    assertThat(resets.service().reset("ops", t.id, true)).isTrue();

    assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
    assertThat(notices(t)).singleElement().satisfies(n -> assertThat(n.finalSpend()).isEqualTo(new BigDecimal("77.100000")));
    assertThat(resetAudits(t)).singleElement().satisfies(a -> assertThat(a.details()).contains(
        entry("litellm_spend_zeroed", "true"), entry("final_spend", "77.1000")));
    assertThat(lines()).containsExactly(
        "WARN could not read tenant " + t.id + "'s spend before resetting it; the reset notice uses the last sample: "
            + "LiteLLM GET /key/info answered 500: simulated failure",
        "INFO budget period of tenant " + t.id + " reset by ops (notice: queued)");
  }

  @Test
  void whenLiteLlmIsUnreachableTheJobLeavesThePeriodDueAndStartsItOnceLiteLlmIsBack() throws IOException {
    CLOCK.set(BOUNDARY);
    settleDueRounds();
    TenantRow t = tenant().spend("66.00").resetAt(BOUNDARY).create();
    Resets cutOff = resets(client("http://127.0.0.1:" + closedPort()), nudges);

    ServiceException refused = serviceError(() -> cutOff.service().reset(JOB, t.id, false));
    int reset = cutOff.job().runOnce();

    assertThat(refused.getMessage()).isEqualTo("the budget period of tenant '" + t.id + "' was not reset: LiteLLM could not "
        + "zero the key's spend (LiteLLM GET /key/info failed: ConnectException). Nothing changed.");
    assertThat(reset).isZero();
    assertNothingChanged(t, "66.00");
    assertThat(lines()).containsExactly("WARN tenant " + t.id + ": " + refused.getMessage() + "; will retry next round");

    assertThat(resets.job().runOnce()).as("LiteLLM back").isEqualTo(1);
    assertThat(period(t)).isEqualTo(new Period(BOUNDARY, NEXT_BOUNDARY));
    assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0"));
  }

  @Test
  void aKeyLiteLlmNoLongerHasIs409NamingTheReprovisionTaskAndNothingChanges() {
    CLOCK.set(BOUNDARY);
    TenantRow scheduled = tenant().resetAt(BOUNDARY).create();
    TenantRow asked = tenant().create();
    LITELLM.deleteKey(scheduled.alias);
    LITELLM.deleteKey(asked.alias);
    ServiceException byJob;
    ServiceException byAdmin;
    try {
      byJob = serviceError(() -> resets.service().reset(JOB, scheduled.id, false));
      byAdmin = serviceError(() -> resets.service().reset("ops", asked.id, true));
      for (TenantRow t : List.of(scheduled, asked)) {
        assertThat(period(t)).as(t.id).isEqualTo(new Period(null, t.resetAt));
        assertThat(resetAudits(t)).as(t.id).isEmpty();
        assertThat(notices(t)).as(t.id).isEmpty();
      }
    } finally {
      // due for ever without a key: every later round of this class (and of each mutant) would try them again
      execute("DELETE FROM tenant_configs WHERE tenant_id IN (?, ?)", scheduled.id, asked.id);
    }

    assertThat(byJob.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
    assertThat(byJob.error()).isEqualTo("litellm_key_missing");
    assertThat(byJob.getMessage()).isEqualTo("tenant '" + scheduled.id + "' has no key in LiteLLM (LiteLLM answered 404 "
        + "not_found_error): its budget period was not reset and nothing changed. Re-provision the key: "
        + "POST /tasks/reprovision-litellm-key?tenant_id=" + scheduled.id + " on the admin port "
        + "(ops-runbook/litellm-key-missing.md).");
    assertThat(byAdmin.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
    assertThat(byAdmin.getMessage()).startsWith("tenant '" + asked.id + "' has no key in LiteLLM (LiteLLM answered 401 "
        + "auth_error): its budget period was not reset and nothing changed.");
    assertThat(nudges).hasValue(0);
  }

  @Test
  void aTenantDeletedWhileLiteLlmIsAskedIsAnUnknownTenantAndNothingIsWritten() {
    CLOCK.set(BOUNDARY);
    TenantRow t = tenant().resetAt(BOUNDARY).create();
    Resets racing = resets(new Interleaving(() -> execute("DELETE FROM tenant_configs WHERE tenant_id = ?", t.id)), nudges);

    ServiceException gone = serviceError(() -> racing.service().reset(JOB, t.id, false));

    assertThat(gone.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
    assertThat(gone.error()).isEqualTo("unknown_tenant");
    assertThat(gone.getMessage()).isEqualTo("no tenant with id '" + t.id + "'");
    assertThat(resetAudits(t)).isEmpty();
    assertThat(nudges).hasValue(0);
    assertThat(lines()).isEmpty();
  }

  @Test
  void anUnknownTenantIs404BeforeLiteLlmIsAsked() {
    String nobody = "nobody-" + unique();
    int calls = LITELLM.callCount("/key/info");

    ServiceException unknown = serviceError(() -> resets.service().reset("ops", nobody, true));

    assertThat(unknown.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
    assertThat(unknown.getMessage()).isEqualTo("no tenant with id '" + nobody + "'");
    assertThat(LITELLM.callCount("/key/info")).isEqualTo(calls);
  }

  // --- fixtures

  /** The features a reset uses, wired as {@code BudgetGateApplication.run} wires them. */
  record Wired(TenantService tenants, BudgetWiring.Budgets budgets, AuditLog audit) {}

  /** The reset service and the job {@link ResetWiring} built around it. */
  record Resets(BudgetResetService service, BudgetResetJob job) {}

  /** A tenant row of this test: its id is also its key alias (as BudgetGate names keys). */
  record TenantRow(String id, String name, String alias, Instant created, Instant resetAt) {}

  /** A tenant's period columns: {@code litellm_key_last_reset} and {@code budget_reset_at}. */
  record Period(Instant lastReset, Instant resetAt) {}

  record Notice(UUID id, String tenantId, Instant periodStart, Instant previousPeriodStart, BigDecimal finalSpend,
      BigDecimal effectiveBudget, Instant nextResetAt, String trigger, Instant createdAt) {}

  record OutboxRow(UUID resetNoticeId, String tenantId, String channel, String recipient, String status, int attempts,
      Instant nextAttemptAt, Instant createdAt) {}

  record AuditRow(String actor, Instant occurredAt, Map<String, String> details) {}

  static Wired wire() {
    Environment environment = new Environment("budget-reset-service-it");
    BudgetGateApplication.configureJson(environment.getObjectMapper());
    LiteLlmWiring.LiteLlm litellm = new LiteLlmWiring.LiteLlm(client(LITELLM.baseUrl()),
        new MissingKeys(environment.metrics()), KEYS);
    AuditLog audit = AuditWiring.wire(JDBI, CLOCK, environment);
    TenantService tenants = TenantWiring.wire(JDBI, litellm.client(), KEYS, audit,
        new TenantDefaults(new BigDecimal("500.00"), 80, 110), CLOCK, environment);
    BudgetWiring.Budgets budgets = BudgetWiring.wire(JDBI, litellm, tenants, new InProcessCache(CLOCK), audit,
        BudgetConfig.defaults(), ReservationConfig.defaults(), LITELLM.baseUrl(), status -> { }, CLOCK, environment);
    return new Wired(tenants, budgets, audit);
  }

  /**
   * {@link ResetWiring} on an environment of its own that is never started (its job is taken from
   * the lifecycle it was handed to), with this LiteLLM client and an outbox counting its nudges.
   */
  static Resets resets(LiteLlmClient litellm, AtomicInteger nudges) {
    Environment environment = new Environment("budget-reset-service-it");
    BudgetGateApplication.configureJson(environment.getObjectMapper());
    BudgetResetService service = ResetWiring.wire(JDBI, litellm, WIRED.budgets(), WIRED.tenants(),
        new Outbox("", nudges::incrementAndGet), WIRED.audit(), CLOCK, Duration.ofSeconds(10), environment);
    BudgetResetJob job = environment.lifecycle().getManagedObjects().stream()
        .filter(JettyManaged.class::isInstance).map(m -> ((JettyManaged) m).getManaged())
        .filter(BudgetResetJob.class::isInstance).map(BudgetResetJob.class::cast).findFirst().orElseThrow();
    return new Resets(service, job);
  }

  static LiteLlmConfig config(String baseUrl) {
    return new LiteLlmConfig(baseUrl, TestTokens.LITELLM_MASTER_KEY, io.dropwizard.util.Duration.seconds(5), 3,
        io.dropwizard.util.Duration.milliseconds(5), 1.0, null, null, null, io.dropwizard.util.Duration.seconds(5), null);
  }

  static LiteLlmClient client(String baseUrl) {
    return new LiteLlmClient(config(baseUrl), Jackson.newObjectMapper());
  }

  /**
   * The simulator's client, except that its first {@code /key/update} lets something else happen
   * before it goes out, as a slow LiteLLM lets it happen: another instance's reset, a tenant deleted,
   * time passing. The order is fixed, so no case races a thread.
   */
  static final class Interleaving extends LiteLlmClient {
    private final AtomicReference<Runnable> meanwhile;

    Interleaving(Runnable meanwhile) {
      super(config(LITELLM.baseUrl()), Jackson.newObjectMapper());
      this.meanwhile = new AtomicReference<>(meanwhile);
    }

    @Override
    public void updateKey(KeyUpdate update) {
      Runnable once = meanwhile.getAndSet(null);
      if (once != null) {
        once.run();
      }
      super.updateKey(update);
    }
  }

  /** Every period due at the clock's instant started (cases before this one, a first run of the class in this JVM). */
  void settleDueRounds() {
    int rounds = 0;
    while (resets.job().runOnce() > 0) {
      // a started period ends after now, so one round starts everything; a second finds nothing
      assertThat(++rounds).as("rounds that still found periods due").isLessThan(3);
    }
    log.clear();
    nudges.set(0);
  }

  static Jdbi jdbi() {
    Jdbi jdbi = Jdbi.create(TestApps.pool(DB)).installPlugin(new SqlObjectPlugin());
    jdbi.registerArrayType(String.class, "text"); // as the app's run()
    return jdbi;
  }

  /**
   * A trigger refusing the {@code budget.reset} audit entry of the tenants in
   * {@code test_refused_resets}: the last write of a reset's transaction fails, so everything before
   * it must go too. {@code IF NOT EXISTS} and {@code OR REPLACE}: a mutation run loads this class
   * again in the same JVM and database.
   */
  static void installRefusals() {
    JDBI.useHandle(h -> {
      h.execute("CREATE TABLE IF NOT EXISTS test_refused_resets (tenant_id TEXT PRIMARY KEY)");
      h.execute("""
          CREATE OR REPLACE FUNCTION refuse_test_resets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF NEW.action = 'budget.reset' AND EXISTS (SELECT 1 FROM test_refused_resets WHERE tenant_id = NEW.tenant_id) THEN
              RAISE EXCEPTION 'test: budget.reset refused for %', NEW.tenant_id;
            END IF;
            RETURN NEW;
          END $$""");
      h.execute("DROP TRIGGER IF EXISTS refuse_test_resets ON audit_log");
      h.execute("CREATE TRIGGER refuse_test_resets BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_test_resets()");
    });
  }

  static void refuse(TenantRow t) {
    execute("INSERT INTO test_refused_resets (tenant_id) VALUES (?)", t.id);
  }

  static void allow(TenantRow t) {
    execute("DELETE FROM test_refused_resets WHERE tenant_id = ?", t.id);
  }

  static TenantBuilder tenant() {
    return new TenantBuilder();
  }

  /**
   * A tenant with a budget of 100 (block_at 110 is its key's max_budget) created at the clock's
   * start, a 30d period ending on the next 1st of the month, one email address, and its key in
   * LiteLLM at a spend of 40 with LiteLLM's own reset date equal to BudgetGate's.
   */
  static final class TenantBuilder {
    private String duration = "30d";
    private Instant resetAt = BOUNDARY;
    private Instant lastReset;
    private String spend = "40";
    private List<String> emails = List.of("ops@reset.test");
    private String slack;

    TenantBuilder duration(String value) {
      duration = value;
      return this;
    }

    TenantBuilder resetAt(Instant value) {
      resetAt = value;
      return this;
    }

    TenantBuilder lastReset(Instant value) {
      lastReset = value;
      return this;
    }

    TenantBuilder spend(String value) {
      spend = value;
      return this;
    }

    TenantBuilder emails(String... value) {
      emails = Arrays.asList(value);
      return this;
    }

    TenantBuilder slack(String value) {
      slack = value;
      return this;
    }

    TenantRow create() {
      String id = "rs-" + unique();
      String raw = "sk-" + UUID.randomUUID().toString().replace("-", "");
      VirtualKey key = new VirtualKey(raw);
      Instant created = TestClock.START;
      String name = "Tenant " + id.toUpperCase(Locale.ROOT);
      LITELLM.createKey(raw, id, new BigDecimal("110.00"), duration, new BigDecimal(spend));
      LITELLM.setBudgetResetAt(id, resetAt);
      JDBI.useHandle(h -> h.createUpdate("""
          INSERT INTO tenant_configs (tenant_id, name, max_budget, alert_threshold, grace_threshold, budget_duration,
                                      budget_reset_at, litellm_key_last_reset, litellm_key_alias, litellm_key_hash,
                                      litellm_virtual_key, notification_emails, slack_webhook_url, created_at, updated_at)
          VALUES (:id, :name, 100.00, 80, 110, :duration, :resetAt, :lastReset, :id, :hash, :sealed, :emails, :slack,
                  :created, :created)""")
          .bind("id", id).bind("name", name).bind("duration", duration).bind("resetAt", resetAt)
          .bind("lastReset", lastReset).bind("hash", key.hash()).bind("sealed", KEYS.seal(id, key))
          .bind("emails", emails.toArray(String[]::new)).bind("slack", slack).bind("created", created).execute());
      return new TenantRow(id, name, id, created, resetAt);
    }
  }

  /** An override of {@code amount} active from the tenant's creation for 90 days. */
  static void override(TenantRow t, String amount) {
    execute("INSERT INTO budget_overrides (id, tenant_id, amount, reason, starts_at, expires_at, created_by, created_at) "
        + "VALUES (?, ?, ?, 'test', ?, ?, 'test', ?)", UUID.randomUUID(), t.id, new BigDecimal(amount),
        Timestamp.from(t.created), Timestamp.from(t.created.plus(Duration.ofDays(90))), Timestamp.from(t.created));
  }

  static void sample(TenantRow t, java.util.function.Function<TenantRow, Instant> at, String spend) {
    execute("INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start) VALUES (?, ?, ?, ?)", t.id,
        Timestamp.from(at.apply(t)), new BigDecimal(spend), Timestamp.from(t.created));
  }

  static void execute(String sql, Object... args) {
    JDBI.useHandle(h -> h.execute(sql, args));
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** A port on 127.0.0.1 that nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  void assertNothingChanged(TenantRow t, String spend) {
    assertThat(LITELLM.spendOf(t.alias)).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo(spend));
    assertThat(period(t)).isEqualTo(new Period(null, t.resetAt));
    assertThat(resetAudits(t)).isEmpty();
    assertThat(notices(t)).isEmpty();
    assertThat(outboxRows(t)).isEmpty();
    assertThat(nudges).hasValue(0);
  }

  static ServiceException serviceError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ServiceException.class);
    return (ServiceException) thrown;
  }

  static Period period(TenantRow t) {
    return JDBI.withHandle(h -> h.createQuery(
            "SELECT litellm_key_last_reset, budget_reset_at FROM tenant_configs WHERE tenant_id = :t").bind("t", t.id)
        .map((rs, ctx) -> new Period(instant(rs.getTimestamp(1)), instant(rs.getTimestamp(2)))).one());
  }

  static String versionAndUpdatedAt(TenantRow t) {
    return JDBI.withHandle(h -> h.createQuery("SELECT version, updated_at FROM tenant_configs WHERE tenant_id = :t")
        .bind("t", t.id).map((rs, ctx) -> rs.getLong(1) + " " + instant(rs.getTimestamp(2))).one());
  }

  static List<Notice> notices(TenantRow t) {
    return JDBI.withHandle(h -> h.createQuery("SELECT * FROM budget_reset_notices WHERE tenant_id = :t ORDER BY created_at, id")
        .bind("t", t.id)
        .map((rs, ctx) -> new Notice(rs.getObject("id", UUID.class), rs.getString("tenant_id"),
            instant(rs.getTimestamp("period_start")), instant(rs.getTimestamp("previous_period_start")),
            rs.getBigDecimal("final_spend"), rs.getBigDecimal("effective_budget"), instant(rs.getTimestamp("next_reset_at")),
            rs.getString("reset_trigger"), instant(rs.getTimestamp("created_at")))).list());
  }

  static List<OutboxRow> outboxRows(TenantRow t) {
    return JDBI.withHandle(h -> h.createQuery("SELECT * FROM notification_outbox WHERE tenant_id = :t ORDER BY id")
        .bind("t", t.id)
        .map((rs, ctx) -> {
          assertThat(rs.getObject("alert_id")).as("a reset notice's row names no alert").isNull();
          return new OutboxRow(rs.getObject("reset_notice_id", UUID.class), rs.getString("tenant_id"),
              rs.getString("channel"), rs.getString("recipient"), rs.getString("status"), rs.getInt("attempts"),
              instant(rs.getTimestamp("next_attempt_at")), instant(rs.getTimestamp("created_at")));
        }).list());
  }

  /** What each of the tenant's outbox rows says, as queued. */
  static List<MessageRenderer.ResetFigures> messages(TenantRow t) {
    ObjectMapper plain = Jackson.newObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return JDBI.withHandle(h -> h.createQuery("SELECT message::text FROM notification_outbox WHERE tenant_id = :t ORDER BY id")
        .bind("t", t.id).mapTo(String.class).list()).stream().map(text -> {
          try {
            JsonNode message = plain.readTree(text);
            assertThat(message.hasNonNull("alert")).as("a reset notice carries no alert figures").isFalse();
            return plain.treeToValue(message.get("reset"), MessageRenderer.ResetFigures.class);
          } catch (JsonProcessingException e) {
            throw new AssertionError(e);
          }
        }).toList();
  }

  static List<AuditRow> resetAudits(TenantRow t) {
    return JDBI.withHandle(h -> h.createQuery("""
            SELECT actor, occurred_at, details::text FROM audit_log WHERE tenant_id = :t AND action = 'budget.reset'
             ORDER BY id""").bind("t", t.id)
        .map((rs, ctx) -> new AuditRow(rs.getString(1), instant(rs.getTimestamp(2)), details(rs.getString(3)))).list());
  }

  /** The details' top-level fields as PostgreSQL holds them (a number with its scale; null for JSON null). */
  static Map<String, String> details(String json) {
    return StoredRows.fields(json);
  }

  List<String> lines() {
    return log.lines();
  }
}
