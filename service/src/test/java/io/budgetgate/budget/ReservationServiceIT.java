package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jdbi3.InstrumentedSqlLogger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.budget.api.AccessRequest;
import io.budgetgate.budget.api.ReservationView;
import io.budgetgate.budget.api.SettleRequest;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.platform.cache.InProcessCache;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.rules.ReservedAmount;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.LoggerCapture;
import io.budgetgate.testing.RedisLikeCache;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ReservationService} on its own: a migrated PostgreSQL database of its own, the in-process
 * cache, a clock the test moves, a known id supplier and counters read exactly, with no Dropwizard
 * app around it, so each case costs milliseconds (the mutation run {@code money-it-reserve} runs
 * every case once per mutant it covers). Standings are built by hand, as the budget decision would
 * hand them over. Each case makes its own tenants; the cases that sweep (a sweep sees every
 * tenant) first move the clock past every row an earlier case or run made, so a second run of the
 * class in one JVM finds nothing in its way.
 */
class ReservationServiceIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final VirtualKeys KEYS = new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS));
  /** A pool, as the app has: a new connection per statement would make each case cost a second. */
  static final DataSource POOL = pool();
  static final BigDecimal BLOCK_AT = new BigDecimal("110.00");
  static final List<String> COUNTERS = List.of("held", "repeated", "refused.blocked", "refused.insufficient_headroom",
      "settled", "released", "expired");
  /** The stretches of time of the cases that sweep, one after another across runs in this JVM. */
  static final AtomicLong EPOCHS = new AtomicLong();

  /**
   * Every field apart from the defaults, so a default used in place of the configured value shows.
   * Made per case: a static one would be made once, before PIT swaps in a mutant of its constructor.
   */
  final ReservationConfig config = new ReservationConfig(Duration.seconds(100), Duration.seconds(240),
      Duration.seconds(1800), Duration.seconds(10), Duration.minutes(30), Duration.days(2));
  final MetricRegistry metrics = new MetricRegistry();
  final Jdbi jdbi = jdbi(metrics);
  final KeyValueCache cache = new RedisLikeCache(new InProcessCache(CLOCK));
  final ObjectMapper json = json();
  final List<UUID> issued = Collections.synchronizedList(new ArrayList<>());
  final ReservationService reservations = service(metrics);
  @RegisterExtension
  final LoggerCapture log = new LoggerCapture(ReservationService.class, ReservationCounts.class, ReservationSweeper.class);

  // --- access without an estimate

  @Test
  void aConfigWithoutValuesHasTheDocumentedDefaults() {
    ReservationConfig defaults = new ReservationConfig(null, null, null, null, null, null);

    assertThat(defaults.settleLag()).isEqualTo(Duration.minutes(2));
    assertThat(defaults.defaultHold()).isEqualTo(Duration.seconds(300));
    assertThat(defaults.maxHold()).isEqualTo(Duration.seconds(3600));
    assertThat(defaults.sweepInterval()).isEqualTo(Duration.seconds(10));
    assertThat(defaults.listFor()).isEqualTo(Duration.hours(1));
    assertThat(defaults.keepFor()).isEqualTo(Duration.days(7));
    ReservationConfig given = new ReservationConfig(Duration.minutes(5), Duration.seconds(60), Duration.seconds(600),
        Duration.seconds(2), Duration.minutes(30), Duration.days(1));
    assertThat(List.of(given.settleLag(), given.defaultHold(), given.maxHold(), given.sweepInterval(), given.listFor(),
        given.keepFor())).as("values given are kept").containsExactly(Duration.minutes(5), Duration.seconds(60),
        Duration.seconds(600), Duration.seconds(2), Duration.minutes(30), Duration.days(1));
  }

  @Test
  void withoutAnEstimateNothingIsHeldAndTheCallIsRefusedOnceSpendAndHoldsReachBlockAt() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");

    ReservationService.Access free = reservations.access(s, null);
    assertThat(free.allowed()).isTrue();
    assertThat(free.standing()).isSameAs(s);
    assertThat(free.reserved()).isEqualByComparingTo("0");
    assertThat(free.hold()).isNull();
    assertThat(free.refusal()).isNull();
    assertThat(free.estimate()).isNull();

    hold(s, "6.00", null, null);
    hold(s, "3.99", null, null);
    ReservationService.Access plain = reservations.access(s, new AccessRequest(null, null, null)); // an empty body
    assertThat(plain.allowed()).isTrue();
    assertThat(plain.reserved()).isEqualByComparingTo("9.99");
    assertThat(plain.hold()).isNull();

    hold(s, "0.01", null, null); // spend + reserved == block_at
    ReservationService.Access full = reservations.access(s, null);
    assertThat(full.allowed()).isFalse();
    assertThat(full.refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(full.reserved()).isEqualByComparingTo("10.00");
    assertThat(full.hold()).isNull();
    assertThat(statuses(t)).containsExactly("held", "held", "held");
    assertCounted("held", 3, "refused.insufficient_headroom", 1);
    assertThat(metrics.getCounters().keySet().stream().filter(n -> n.startsWith("reservations.")))
        .containsExactlyInAnyOrderElementsOf(COUNTERS.stream().map(n -> "reservations." + n).toList());
  }

  @Test
  void aStandingThatIsNotAllowedOrASpendAtBlockAtIsRefusedBlocked() {
    String t = tenant();
    BudgetStanding blockedWithRoom = standing(t, new BigDecimal("50.00"), BLOCK_AT, SpendSource.LIVE, BudgetState.BLOCKED);
    ReservationService.Access a = reservations.access(blockedWithRoom, null);
    assertThat(a.refusal()).isEqualTo(ReservedAmount.Refusal.BLOCKED);
    assertThat(a.reserved()).isEqualByComparingTo("0");

    BudgetStanding atBlockAt = standing(t, BLOCK_AT, BLOCK_AT, SpendSource.LIVE, BudgetState.CRITICAL);
    assertThat(reservations.access(atBlockAt, null).refusal()).isEqualTo(ReservedAmount.Refusal.BLOCKED);
    ReservationService.Access estimated = hold(live(t, "110.00"), "0.01", "blocked-1", null);
    assertThat(estimated.refusal()).isEqualTo(ReservedAmount.Refusal.BLOCKED);
    assertThat(estimated.hold()).isNull();
    assertThat(estimated.estimate()).isEqualByComparingTo("0.01");
    assertThat(rows(t)).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo("refused");
      assertThat(r.refusedReason()).isEqualTo("blocked");
    });
    assertCounted("refused.blocked", 3);
  }

  // --- holds

  @Test
  void anEstimateIsHeldUpToExactlyBlockAtAndOneCentMoreIsRefused() {
    String other = tenant();
    hold(live(other, "0.00"), "50.00", null, null); // another tenant's hold counts nothing here
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    Instant t0 = CLOCK.instant();

    ReservationService.Access first = hold(s, "4.00", null, null);
    assertThat(first.allowed()).isTrue();
    assertThat(first.hold().id()).isEqualTo(lastIssued());
    assertThat(first.hold().amount()).isEqualByComparingTo("4.00");
    assertThat(first.hold().expiresAt()).isEqualTo(t0.plusSeconds(240)); // the configured default hold
    assertThat(first.hold().requestId()).isNull();
    assertThat(first.hold().status()).isEqualTo("held");
    assertThat(first.reserved()).isEqualByComparingTo("4.00");
    assertThat(first.estimate()).isEqualByComparingTo("4.00");
    ReservationRow row = row(t, first.hold().id());
    assertThat(row.spendAtHold()).isEqualByComparingTo("100.00");
    assertThat(row.createdAt()).isEqualTo(t0);
    assertThat(row.expiresAt()).isEqualTo(t0.plusSeconds(240));

    CLOCK.advance(java.time.Duration.ofSeconds(1));
    ReservationService.Access over = hold(s, "6.01", null, null);
    assertThat(over.allowed()).isFalse();
    assertThat(over.refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(over.reserved()).isEqualByComparingTo("4.00");
    assertThat(over.hold()).isNull();
    assertThat(over.estimate()).isEqualByComparingTo("6.01");

    ReservationService.Access exact = hold(s, "6.00", null, null);
    assertThat(exact.allowed()).isTrue();
    assertThat(exact.reserved()).isEqualByComparingTo("10.00");
    assertThat(exact.hold().expiresAt()).isEqualTo(t0.plusSeconds(241));
    assertThat(hold(s, "0.000001", null, null).refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);

    assertThat(statuses(t)).as("a refusal without a request_id is not kept").containsExactly("held", "held");
    assertCounted("held", 3, "refused.insufficient_headroom", 2);
  }

  @Test
  void holdSecondsSetTheExpiryAndTheDefaultHoldIsTheConfiguredOne() {
    String t = tenant();
    BudgetStanding s = live(t, "0.00");
    Instant t0 = CLOCK.instant();
    assertThat(hold(s, "1.00", null, 1).hold().expiresAt()).isEqualTo(t0.plusSeconds(1));
    assertThat(hold(s, "1.00", null, 1800).hold().expiresAt()).isEqualTo(t0.plusSeconds(1800));
    assertThat(hold(s, "1.00", null, null).hold().expiresAt()).isEqualTo(t0.plusSeconds(240));

    ReservationService defaults = service(metrics, ReservationConfig.defaults());
    assertThat(defaults.access(s, new AccessRequest(BigDecimal.ONE, null, null)).hold().expiresAt())
        .isEqualTo(t0.plusSeconds(300));
    assertThat(fields(() -> defaults.access(s, new AccessRequest(BigDecimal.ONE, null, 3601))))
        .containsExactly(new FieldError("hold_seconds", "must be 1..3600 (seconds)"));
    assertThat(defaults.access(s, new AccessRequest(BigDecimal.ONE, null, 3600)).hold().expiresAt())
        .isEqualTo(t0.plusSeconds(3600));
  }

  @Test
  void anUnknownSpendCountsAsZeroAndANegativeOneIsNoCredit() {
    String unknown = tenant();
    BudgetStanding s = standing(unknown, null, new BigDecimal("10.00"), SpendSource.UNAVAILABLE, BudgetState.UNKNOWN);
    ReservationService.Access all = hold(s, "10.00", null, null);
    assertThat(all.allowed()).isTrue();
    assertThat(row(unknown, all.hold().id()).spendAtHold()).isEqualByComparingTo("0");
    assertThat(hold(s, "0.01", null, null).refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    ReservationService.Access plain = reservations.access(s, null);
    assertThat(plain.refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(plain.reserved()).isEqualByComparingTo("10.00");

    String negative = tenant();
    BudgetStanding n = standing(negative, new BigDecimal("-5.00"), new BigDecimal("10.00"), SpendSource.LIVE, BudgetState.OK);
    assertThat(hold(n, "10.01", null, null).refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    ReservationService.Access fits = hold(n, "10.00", null, null);
    assertThat(fits.allowed()).isTrue();
    assertThat(row(negative, fits.hold().id()).spendAtHold()).isEqualByComparingTo("0");

    String fine = tenant(); // a spend finer than the column is rounded up, never down
    BudgetStanding f = live(fine, "100.000000001");
    assertThat(hold(f, "10.00", null, null).refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(row(fine, hold(f, "9.99", null, null).hold().id()).spendAtHold()).isEqualByComparingTo("100.00000001");
    assertCounted("held", 3, "refused.insufficient_headroom", 4);
  }

  // --- request_id

  @Test
  void aRepeatedRequestIdGetsTheSameHoldAndAnotherEstimateWithItIsA409() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    Instant t0 = CLOCK.instant();
    ReservationService.Access first = hold(s, "2.50", "call-1", 60);

    CLOCK.advance(java.time.Duration.ofSeconds(10));
    ReservationService.Access again = hold(s, "2.500000", "call-1", 300);
    assertThat(again.allowed()).isTrue();
    assertThat(again.hold()).isEqualTo(first.hold());
    assertThat(again.hold().expiresAt()).isEqualTo(t0.plusSeconds(60));
    assertThat(again.hold().requestId()).isEqualTo("call-1");
    assertThat(again.reserved()).isEqualByComparingTo("2.50");
    assertThat(statuses(t)).containsExactly("held");
    assertCounted("held", 1, "repeated", 1);
    assertCached(t, "100.00", "2.50", t0.plusSeconds(60));

    assertThat(failure(() -> hold(s, "3.00", "call-1", null))).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
      assertThat(e.error()).isEqualTo("request_id_reused");
      assertThat(e.getMessage()).isEqualTo("request_id 'call-1' of tenant '" + t + "' was used for an estimated_cost of "
          + "2.5; a repeated request must carry the same estimate");
    });
    assertCounted("held", 1, "repeated", 1);

    CLOCK.set(t0.plusSeconds(60)); // its expiry: the same reservation, which no longer counts
    ReservationService.Access late = hold(s, "2.50", "call-1", null);
    assertThat(late.hold().id()).isEqualTo(first.hold().id());
    assertThat(late.hold().status()).isEqualTo("expired");
    assertThat(late.reserved()).isEqualByComparingTo("0");
    assertThat(statuses(t)).containsExactly("held");
    assertCounted("held", 1, "repeated", 2);
  }

  @Test
  void aRepeatedRefusalStaysARefusalOnceThereIsRoom() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    ReservationService.Access big = hold(s, "8.00", null, null);
    ReservationService.Access refused = hold(s, "5.00", "call-2", null);
    assertThat(refused.refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(refused.reserved()).isEqualByComparingTo("8.00");
    ReservationRow kept = rows(t).get(1);
    assertThat(kept.id()).isEqualTo(lastIssued());
    assertThat(kept.status()).isEqualTo("refused");
    assertThat(kept.refusedReason()).isEqualTo("insufficient_headroom");
    assertThat(kept.requestId()).isEqualTo("call-2");

    reservations.release(t, big.hold().id());
    ReservationService.Access again = hold(s, "5.00", "call-2", null);
    assertThat(again.refusal()).isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertThat(again.hold()).isNull();
    assertThat(again.reserved()).isEqualByComparingTo("0");
    assertThat(failure(() -> hold(s, "4.00", "call-2", null)).getMessage()).isEqualTo("request_id 'call-2' of tenant '"
        + t + "' was used for an estimated_cost of 5; a repeated request must carry the same estimate");

    assertThat(hold(live(t, "110.00"), "1.00", "call-3", null).refusal()).isEqualTo(ReservedAmount.Refusal.BLOCKED);
    assertThat(hold(s, "1.00", "call-3", null).refusal()).isEqualTo(ReservedAmount.Refusal.BLOCKED);
    assertThat(statuses(t)).containsExactly("released", "refused", "refused");
    assertCounted("held", 1, "released", 1, "refused.insufficient_headroom", 1, "refused.blocked", 1, "repeated", 2);
  }

  // --- validation

  @Test
  void everyHoldFieldIsValidatedWithItsNameAndMessage() {
    String t = tenant();
    BudgetStanding s = live(t, "0.00");
    FieldError required = new FieldError("estimated_cost", "is required with request_id or hold_seconds: what the call "
        + "may cost at most, USD");
    FieldError positive = new FieldError("estimated_cost", "must be more than 0 (USD)");
    FieldError badId = new FieldError("request_id", "must be 1-200 characters without control characters");
    FieldError badHold = new FieldError("hold_seconds", "must be 1..1800 (seconds)");

    assertThat(fields(() -> access(s, null, "r-1", null))).containsExactly(required);
    assertThat(fields(() -> access(s, null, null, 60))).containsExactly(required);
    assertThat(fields(() -> access(s, "0", null, null))).containsExactly(positive);
    assertThat(fields(() -> access(s, "-1", null, null))).containsExactly(positive);
    assertThat(fields(() -> access(s, "0.0000001", null, null)))
        .containsExactly(new FieldError("estimated_cost", "must have at most 6 decimal places (USD)"));
    assertThat(fields(() -> access(s, "1000000000.01", null, null)))
        .containsExactly(new FieldError("estimated_cost", "must be at most 1000000000.00 (the amount ceiling)"));
    for (String id : List.of("", " ", "x".repeat(201), "a\nb", "tab\t", "\u007f")) {
      assertThat(fields(() -> access(s, "1", id, null))).as("request_id %s", id).containsExactly(badId);
    }
    for (int seconds : List.of(0, -1, 1801)) {
      assertThat(fields(() -> access(s, "1", null, seconds))).as("hold_seconds %d", seconds).containsExactly(badHold);
    }
    assertThatThrownBy(() -> access(s, "0", " ", 0)).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.fields()).containsExactly(positive, badId, badHold);
      assertThat(e.error()).isEqualTo("validation_failed");
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.INVALID);
    });
    assertThat(rows(t)).isEmpty();

    assertThat(access(s, "0.000001", null, null).allowed()).isTrue();
    assertThat(access(s, "1.0000000", null, null).allowed()).as("trailing zeros are no decimals").isTrue();
    assertThat(access(s, "1", "x".repeat(200), null).hold().requestId()).hasSize(200);
    assertThat(access(s, "1000000000.00", null, null).refusal()).as("at the ceiling: judged, not invalid")
        .isEqualTo(ReservedAmount.Refusal.INSUFFICIENT_HEADROOM);
    assertCounted("held", 3, "refused.insufficient_headroom", 1);
  }

  @Test
  void everySettleAmountIsValidatedAndZeroIsAnActualCost() {
    String t = tenant();
    UUID id = hold(live(t, "100.00"), "1.00", null, null).hold().id();
    FieldError required = new FieldError("actual_cost", "is required: what the call cost, USD, 0 or more");

    assertThat(fields(() -> reservations.settle(t, id, null))).containsExactly(required);
    assertThat(fields(() -> reservations.settle(t, id, new SettleRequest(null)))).containsExactly(required);
    assertThat(fields(() -> settle(t, id, "-0.01"))).containsExactly(new FieldError("actual_cost", "must be 0 or more (USD)"));
    assertThat(fields(() -> settle(t, id, "0.0000001")))
        .containsExactly(new FieldError("actual_cost", "must have at most 6 decimal places (USD)"));
    assertThat(fields(() -> settle(t, id, "1000000000.01")))
        .containsExactly(new FieldError("actual_cost", "must be at most 1000000000.00 (the amount ceiling)"));
    assertThat(statuses(t)).containsExactly("held");
    assertCounted("held", 1);

    ReservationView zero = settle(t, id, "0");
    assertThat(zero.status()).isEqualTo("settled");
    assertThat(zero.actualCost()).isEqualByComparingTo("0");
    assertCounted("held", 1, "settled", 1);
  }

  // --- settle and release

  @Test
  void aSettleCountsTheActualCostUntilTheSettleLagAndTheSameAmountAgainChangesNothing() {
    String t = tenant();
    Instant t0 = CLOCK.instant();
    ReservationService.Access h = hold(live(t, "100.00"), "5.00", "call-s", null);
    UUID id = h.hold().id();
    assertThat(entry(t)).isPresent();

    CLOCK.advance(java.time.Duration.ofSeconds(10));
    Instant t1 = CLOCK.instant();
    ReservationView v = settle(t, id, "3.5");
    assertThat(v).isEqualTo(new ReservationView(id, "call-s", "settled", new BigDecimal("5.000000"),
        new BigDecimal("3.500000"), new BigDecimal("100.00000000"), t0, t0.plusSeconds(240), t1, t1.plusSeconds(100), null));
    assertThat(entry(t)).as("a settle drops the cached count").isEmpty();
    assertCounted("held", 1, "settled", 1);
    assertThat(reservations.reserved(live(t, "100.00"))).isEqualByComparingTo("3.50");
    assertThat(reservations.reserved(live(t, "103.499999"))).isEqualByComparingTo("3.50");
    assertThat(reservations.reserved(live(t, "103.50"))).as("LiteLLM has recorded it").isEqualByComparingTo("0");

    plant(t, "100.00", "42", null);
    CLOCK.advance(java.time.Duration.ofSeconds(5));
    assertThat(settle(t, id, "3.500")).as("the same amount again").isEqualTo(v);
    assertCounted("held", 1, "settled", 1);
    assertCached(t, "100.00", "42", null);
    assertThat(failure(() -> settle(t, id, "3.6"))).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
      assertThat(e.error()).isEqualTo("reservation_settled");
      assertThat(e.getMessage()).isEqualTo("reservation " + id + " was already settled with an actual_cost of 3.5; "
          + "it cannot be settled again with another amount");
    });

    CLOCK.set(t1.plusSeconds(100).minusNanos(1_000));
    assertThat(reservations.reserved(live(t, "100.00"))).isEqualByComparingTo("3.50");
    CLOCK.set(t1.plusSeconds(100)); // the settle lag has passed, recorded or not
    assertThat(reservations.reserved(live(t, "100.00"))).isEqualByComparingTo("0");
    assertCounted("held", 1, "settled", 1);
  }

  @Test
  void anExpiredHoldCanStillBeSettledButAReleasedOneCannot() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    UUID expiring = hold(s, "2.00", null, 30).hold().id();
    CLOCK.advance(java.time.Duration.ofSeconds(31)); // past its expiry, not swept yet
    ReservationView late = settle(t, expiring, "1.25");
    assertThat(late.status()).isEqualTo("settled");
    assertThat(late.settledAt()).isEqualTo(CLOCK.instant());
    assertThat(late.countsUntil()).isEqualTo(CLOCK.instant().plusSeconds(100));

    UUID released = hold(s, "1.00", null, null).hold().id();
    reservations.release(t, released);
    assertThat(failure(() -> settle(t, released, "1.00"))).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
      assertThat(e.error()).isEqualTo("reservation_released");
      assertThat(e.getMessage()).isEqualTo("reservation " + released + " was released (the call did not happen); it cannot "
          + "be settled");
    });
    assertThat(statuses(t)).containsExactly("settled", "released");
    assertCounted("held", 2, "settled", 1, "released", 1);
  }

  @Test
  void aReleaseGivesTheHeadroomBackOnceAndASettledReservationCannotBeReleased() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    UUID a = hold(s, "4.00", null, null).hold().id();
    UUID b = hold(s, "3.00", null, null).hold().id();
    assertThat(cachedCount(t).reserved()).isEqualByComparingTo("7.00");

    reservations.release(t, a);
    assertThat(entry(t)).as("a release drops the cached count").isEmpty();
    assertCounted("held", 2, "released", 1);
    assertThat(reservations.reserved(live(t, "100.00"))).isEqualByComparingTo("3.00");
    assertThat(row(t, a).endedAt()).isEqualTo(CLOCK.instant());

    plant(t, "100.00", "42", null);
    reservations.release(t, a); // twice: not an error, not counted again
    assertCounted("held", 2, "released", 1);
    assertCached(t, "100.00", "42", null);

    settle(t, b, "3.00");
    assertThat(failure(() -> reservations.release(t, b))).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.CONFLICT);
      assertThat(e.error()).isEqualTo("reservation_settled");
      assertThat(e.getMessage()).isEqualTo("reservation " + b + " was settled (the call happened); a settled "
          + "reservation cannot be released");
    });
    assertThat(statuses(t)).containsExactly("released", "settled");
  }

  @Test
  void unknownReservationsTenantsAndStoredRefusalsAre404() {
    String t = tenant();
    String other = tenant();
    BudgetStanding s = live(t, "100.00");
    UUID held = hold(s, "1.00", null, null).hold().id();
    hold(s, "500.00", "too-big", null);
    UUID refusal = lastIssued();
    UUID othersHold = hold(live(other, "0.00"), "1.00", null, null).hold().id();
    UUID unknown = UUID.randomUUID();

    for (UUID id : List.of(unknown, refusal, othersHold)) {
      for (ThrowingCallable call : List.<ThrowingCallable>of(() -> settle(t, id, "1"), () -> reservations.release(t, id))) {
        assertThat(failure(call)).satisfies(e -> {
          assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
          assertThat(e.error()).isEqualTo("unknown_reservation");
          assertThat(e.getMessage()).isEqualTo("tenant '" + t + "' has no reservation with id " + id);
        });
      }
    }
    String nobody = "nobody-" + UUID.randomUUID().toString().substring(0, 8);
    for (ThrowingCallable call : List.<ThrowingCallable>of(() -> settle(nobody, held, "1"),
        () -> reservations.release(nobody, held), () -> reservations.list(nobody),
        () -> hold(live(nobody, "0.00"), "1.00", null, null))) {
      assertThat(failure(call)).satisfies(e -> {
        assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
        assertThat(e.error()).isEqualTo("unknown_tenant");
        assertThat(e.getMessage()).isEqualTo("no tenant with id '" + nobody + "'");
      });
    }
    assertThat(statuses(t)).containsExactly("held", "refused");
    assertThat(statuses(other)).containsExactly("held");
    assertCounted("held", 2, "refused.insufficient_headroom", 1);
  }

  @Test
  void aHoldIsTwoStatementsUnderTheTenantsLockAndASettleOrReleaseNeverTakesThatLock() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    Map<String, Long> before = statements();
    UUID settling = hold(s, "1.00", null, null).hold().id();
    assertThat(statementsSince(before)).isEqualTo(Map.of("lockTenant", 1L, "hold", 1L));

    before = statements();
    hold(s, "1.00", "with-id", null);
    assertThat(statementsSince(before)).isEqualTo(Map.of("lockTenant", 1L, "byRequest", 1L, "hold", 1L));

    before = statements(); // a hot tenant's settles and releases do not queue behind its holds
    settle(t, settling, "0.50");
    assertThat(statementsSince(before)).isEqualTo(Map.of("byId", 1L, "settle", 1L));
    UUID releasing = hold(s, "1.00", null, null).hold().id();
    before = statements();
    reservations.release(t, releasing);
    assertThat(statementsSince(before)).isEqualTo(Map.of("byId", 1L, "release", 1L));
  }

  // --- the list

  @Test
  void theListShowsOpenAndRecentReservationsNewestFirstWithoutRefusals() {
    String t = tenant();
    hold(live(tenant(), "0.00"), "1.00", null, null); // another tenant's
    BudgetStanding s = live(t, "100.00");
    Instant t0 = CLOCK.instant();
    UUID released = hold(s, "1.00", "L-released", 60).hold().id();
    reservations.release(t, released);
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    UUID held = hold(s, "2.00", "L-held", 1800).hold().id();
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    assertThat(hold(s, "50.00", "L-refused", null).allowed()).isFalse();
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    UUID settled = hold(s, "3.00", null, 600).hold().id();
    CLOCK.advance(java.time.Duration.ofSeconds(1));
    settle(t, settled, "2.50");
    UUID shortOne = hold(s, "1.00", null, 1).hold().id();

    CLOCK.set(t0.plus(java.time.Duration.ofMinutes(30))); // reservations.listFor after the release
    List<ReservationView> list = reservations.list(t);
    assertThat(list).extracting(ReservationView::id).containsExactly(shortOne, settled, held, released);
    assertThat(list).extracting(ReservationView::status).containsExactly("expired", "settled", "held", "released");
    assertThat(list.get(3)).isEqualTo(new ReservationView(released, "L-released", "released", new BigDecimal("1.000000"),
        null, new BigDecimal("100.00000000"), t0, t0.plusSeconds(60), null, null, t0));

    CLOCK.advance(java.time.Duration.ofNanos(1_000));
    assertThat(reservations.list(t)).extracting(ReservationView::id).containsExactly(shortOne, settled, held);
  }

  // --- the cached count

  @Test
  void aCachedStandingReadsTheCountFromTheCacheOnlyWithItsOwnSpendAndBeforeItsEnd() {
    String t = tenant();
    long queries = countQueries();
    assertThat(reservations.reserved(fromCache(t, "100.00"))).as("nothing cached yet").isEqualByComparingTo("0");
    assertThat(countQueries() - queries).isEqualTo(1);
    assertCached(t, "100.00", "0", null);
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("0");
    assertThat(countQueries() - queries).isEqualTo(1);

    plant(t, "100", "7.00", null); // a count the database does not have: reading it shows where it came from
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("7.00");
    assertThat(countQueries() - queries).isEqualTo(1);
    assertThat(reservations.reserved(live(t, "100.00"))).as("a live standing always counts").isEqualByComparingTo("0");
    assertThat(countQueries() - queries).isEqualTo(2);
    assertCached(t, "100.00", "0", null);

    plant(t, "100", "7.00", null);
    assertThat(reservations.reserved(fromCache(t, "100.01"))).as("another spend").isEqualByComparingTo("0");
    assertThat(countQueries() - queries).isEqualTo(3);
    assertCached(t, "100.01", "0", null);

    Instant until = CLOCK.instant().plusSeconds(5);
    plant(t, "100", "7.00", until);
    CLOCK.set(until.minusNanos(1_000));
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("7.00");
    assertThat(countQueries() - queries).isEqualTo(3);
    CLOCK.set(until); // a counted row ends here: the cached amount may have dropped
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("0");
    assertThat(countQueries() - queries).isEqualTo(4);
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void aCachedCountThatCannotBeReadIsLoggedAndCountedAgain() {
    String t = tenant();
    hold(live(t, "100.00"), "1.50", null, null);
    long queries = countQueries();
    cache.put("budget:reserved:" + t, "not json", java.time.Duration.ofMinutes(1));
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("1.50");
    assertThat(countQueries() - queries).isEqualTo(1);
    assertCached(t, "100.00", "1.50", CLOCK.instant().plusSeconds(240));

    cache.put("budget:reserved:" + t, "{\"reserved\": 9}", java.time.Duration.ofMinutes(1)); // JSON without a spend
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("1.50");
    assertThat(countQueries() - queries).isEqualTo(2);
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0)).startsWith("WARN tenant " + t + ": the cached reservation count cannot be read; counting "
        + "in PostgreSQL: com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'not'");
    assertThat(lines().get(1)).startsWith("WARN tenant " + t + ": the cached reservation count cannot be read; counting "
        + "in PostgreSQL: java.lang.NullPointerException");
  }

  @Test
  void aHoldWritesTheCountItMadeUntilTheFirstCountedRowEnds() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    Instant t0 = CLOCK.instant();
    hold(s, "1.00", null, 30);
    assertCached(t, "100.00", "1.00", t0.plusSeconds(30)); // nothing counted before: until the hold's own expiry
    hold(s, "2.00", null, 300);
    assertCached(t, "100.00", "3.00", t0.plusSeconds(30)); // the earlier hold ends first
    hold(s, "0.50", null, 10);
    assertCached(t, "100.00", "3.50", t0.plusSeconds(10)); // this one ends first
    hold(s, "100.00", null, null);
    assertCached(t, "100.00", "3.50", t0.plusSeconds(10)); // a refusal writes what it counted

    long queries = countQueries();
    assertThat(reservations.reserved(fromCache(t, "100.00"))).isEqualByComparingTo("3.50");
    assertThat(countQueries()).isEqualTo(queries);
    CLOCK.set(t0.plusSeconds(10).minusNanos(1_000));
    assertThat(entry(t)).isPresent();
    CLOCK.set(t0.plusSeconds(10)); // the entry lives exactly until then
    assertThat(entry(t)).isEmpty();
  }

  @Test
  void aCachedCountLivesAMinuteAtMostAndIsDroppedWithLessThanAMillisecondLeft() {
    String t = tenant();
    Instant t0 = CLOCK.instant();
    hold(live(t, "100.00"), "1.00", null, 300);
    CLOCK.set(t0.plusSeconds(60).minusNanos(1_000));
    assertThat(entry(t)).isPresent();
    CLOCK.set(t0.plusSeconds(60));
    assertThat(entry(t)).isEmpty();

    String u = tenant();
    hold(live(u, "100.00"), "1.00", null, 1);
    Instant end = t0.plusSeconds(60).plusSeconds(1);
    CLOCK.set(end.minusMillis(1)); // one millisecond left: counted and cached for that millisecond
    assertThat(reservations.reserved(live(u, "100.00"))).isEqualByComparingTo("1.00");
    assertCached(u, "100.00", "1.00", end);
    CLOCK.set(end.minusNanos(999_000)); // less: nothing is cached, and the entry before goes
    assertThat(reservations.reserved(live(u, "100.00"))).isEqualByComparingTo("1.00");
    assertThat(entry(u)).isEmpty();
  }

  // --- the sweep

  @Test
  void aSweepExpiresHoldsLapsesSettledAmountsPrunesOldRowsAndDropsTheChangedTenantsCounts() {
    Instant base = freshEpoch();
    String a = tenant();
    String b = tenant();
    String quiet = tenant();
    hold(live(a, "100.00"), "1.00", null, 60);
    hold(live(a, "100.00"), "2.00", null, 60);
    hold(live(b, "100.00"), "3.00", null, 90);
    UUID settling = hold(live(b, "100.00"), "4.00", null, 300).hold().id();
    CLOCK.set(base.plusSeconds(10));
    settle(b, settling, "3.75"); // counts until base + 110 s
    plant(a, "100", "42", null);
    plant(b, "100", "42", null);
    plant(quiet, "100", "42", null);

    CLOCK.set(base.plusSeconds(60).minusNanos(1_000));
    assertThat(reservations.sweep()).isZero();
    assertThat(entry(a)).isPresent();

    CLOCK.set(base.plusSeconds(60));
    assertThat(reservations.sweep()).isEqualTo(2);
    assertCounted("held", 4, "settled", 1, "expired", 2);
    assertThat(statuses(a)).containsExactly("expired", "expired");
    assertThat(rows(a)).extracting(ReservationRow::endedAt).containsOnly(base.plusSeconds(60));
    assertThat(entry(a)).isEmpty();
    assertThat(entry(b)).isPresent();
    assertThat(entry(quiet)).isPresent();
    assertThat(lines()).containsExactly("WARN 2 reservation hold(s) expired without being settled or released (tenants: ["
        + a + "]); the agent platform should settle or release every hold (reservations.expired)");

    assertThat(reservations.sweep()).as("every row changes once").isZero();
    CLOCK.set(base.plusSeconds(100));
    assertThat(reservations.sweep()).isEqualTo(1);
    assertThat(entry(b)).isEmpty();
    plant(b, "100", "42", null);
    CLOCK.set(base.plusSeconds(110).minusNanos(1_000));
    assertThat(reservations.sweep()).isZero();
    assertThat(entry(b)).isPresent();
    CLOCK.set(base.plusSeconds(110));
    assertThat(reservations.sweep()).as("a lapse is no expiry").isZero();
    assertThat(statuses(b)).containsExactly("expired", "recorded");
    assertThat(row(b, settling).endedAt()).isEqualTo(base.plusSeconds(110));
    assertThat(entry(b)).as("a lapse drops the count too").isEmpty();
    assertThat(entry(quiet)).isPresent();
    assertCounted("held", 4, "settled", 1, "expired", 3);
    assertThat(lines()).hasSize(2);

    CLOCK.set(base.plusSeconds(60).plus(java.time.Duration.ofDays(2))); // reservations.keepFor after a's rows ended
    reservations.sweep();
    assertThat(statuses(a)).hasSize(2);
    CLOCK.advance(java.time.Duration.ofNanos(1_000));
    reservations.sweep();
    assertThat(statuses(a)).isEmpty();
    assertThat(statuses(b)).containsExactly("expired", "recorded");
  }

  @Test
  void aRecordedSettleTakesOnlyItsOwnAmountAgainAndASweptHoldCanStillBeSettled() {
    Instant base = freshEpoch();
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    UUID settledOne = hold(s, "2.00", null, null).hold().id();
    UUID expiring = hold(s, "1.00", null, 30).hold().id();
    settle(t, settledOne, "2.00");
    CLOCK.set(base.plusSeconds(100));
    assertThat(reservations.sweep()).isEqualTo(1);
    assertThat(statuses(t)).containsExactly("recorded", "expired");

    ReservationView recorded = settle(t, settledOne, "2");
    assertThat(recorded.status()).isEqualTo("recorded");
    assertThat(recorded.countsUntil()).isEqualTo(base.plusSeconds(100));
    assertThat(failure(() -> settle(t, settledOne, "2.01")).getMessage()).isEqualTo("reservation " + settledOne
        + " was already settled with an actual_cost of 2; it cannot be settled again with another amount");
    assertThat(failure(() -> reservations.release(t, settledOne)).error()).isEqualTo("reservation_settled");

    ReservationView late = settle(t, expiring, "0.80");
    assertThat(late.status()).isEqualTo("settled");
    assertThat(late.endedAt()).isNull();
    assertThat(late.countsUntil()).isEqualTo(base.plusSeconds(200));
    assertCounted("held", 2, "settled", 2, "expired", 1);
  }

  @Test
  void aSweptHoldCanBeReleasedAndThatIsCounted() {
    Instant base = freshEpoch();
    String t = tenant();
    UUID id = hold(live(t, "100.00"), "1.00", null, 30).hold().id();
    CLOCK.set(base.plusSeconds(30));
    assertThat(reservations.sweep()).isEqualTo(1);
    reservations.release(t, id);
    assertThat(statuses(t)).containsExactly("released");
    assertCounted("held", 1, "expired", 1, "released", 1);
  }

  @Test
  void theSweeperSweepsOnItsScheduleKeepsGoingAfterAFailureAndStopsItsThread() throws Exception {
    AtomicInteger sweeps = new AtomicInteger();
    ReservationSweeper working = new ReservationSweeper(sweepingWith(() -> {
      sweeps.incrementAndGet();
      return 0;
    }), java.time.Duration.ofMillis(20));
    working.start();
    try {
      Eventually.await("two sweeps", java.time.Duration.ofSeconds(10), () -> sweeps.get() >= 2);
    } finally {
      working.stop();
    }
    assertNoSweeperThread();

    ReservationSweeper failing = new ReservationSweeper(sweepingWith(() -> {
      throw new IllegalStateException("the database is down");
    }), java.time.Duration.ofMillis(20));
    failing.start();
    try {
      Eventually.await("two failed sweeps", java.time.Duration.ofSeconds(10), () -> lines().size() >= 2);
    } finally {
      failing.stop();
    }
    assertNoSweeperThread();
    assertThat(lines().subList(0, 2)).containsOnly("WARN reservation sweep failed this round; next try in 20 ms: "
        + "java.lang.IllegalStateException: the database is down");

    new ReservationSweeper(reservations, java.time.Duration.ofSeconds(10)).stop(); // never started: nothing to stop
  }

  // --- the rows, the gauges, the resource

  @Test
  void aRowIsSeenByTheCountingRuleAsTheSqlCountsIt() {
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    Instant t0 = CLOCK.instant();
    UUID held = hold(s, "2.00", null, 60).hold().id();
    UUID settled = hold(s, "3.00", null, 120).hold().id();
    CLOCK.advance(java.time.Duration.ofSeconds(5));
    settle(t, settled, "1.75");

    List<ReservationRow> open = jdbi.withExtension(ReservationDao.class, dao -> dao.open(t, CLOCK.instant()));
    assertThat(open).extracting(ReservationRow::id).containsExactly(held, settled);
    assertThat(open.get(0).open()).isEqualTo(new ReservedAmount.Open(open.get(0).seq(), false, new BigDecimal("2.000000"),
        new BigDecimal("100.00000000"), t0.plusSeconds(60)));
    assertThat(open.get(1).open()).isEqualTo(new ReservedAmount.Open(open.get(1).seq(), true, new BigDecimal("1.750000"),
        new BigDecimal("100.00000000"), t0.plusSeconds(105)));
    List<ReservedAmount.Open> rule = open.stream().map(ReservationRow::open).toList();
    for (String spend : List.of("100.00", "101.74", "101.75")) {
      assertThat(ReservedAmount.reserved(rule, new BigDecimal(spend), CLOCK.instant())).as("spend %s", spend)
          .isEqualByComparingTo(reservations.reserved(live(t, spend)));
    }
    assertThat(reservations.reserved(live(t, "101.75"))).isEqualByComparingTo("2.00");

    ReservationRow h = open.get(0);
    assertThat(h.statusAt(t0.plusSeconds(60).minusNanos(1_000))).isEqualTo("held");
    assertThat(h.statusAt(t0.plusSeconds(60))).isEqualTo("expired");
    assertThat(open.get(1).statusAt(t0.plusSeconds(3600))).isEqualTo("settled");
  }

  @Test
  void theGaugesMoveByExactlyTheHoldsAndSettlesMadeAndReadMinusOneWithoutADatabase() {
    new OpenReservations(jdbi, CLOCK, metrics);
    Map<String, Double> before = gauges(metrics);
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    hold(s, "2.00", null, null);
    UUID settling = hold(s, "3.00", null, null).hold().id();
    settle(t, settling, "1.25");
    hold(s, "50.00", null, null); // refused: nothing held
    Map<String, Double> after = gauges(metrics);
    assertThat(after.get("holds") - before.get("holds")).isEqualTo(1.0);
    assertThat(after.get("held_amount") - before.get("held_amount")).isCloseTo(2.0, within(1e-6));
    assertThat(after.get("settled") - before.get("settled")).isEqualTo(1.0);
    assertThat(after.get("settled_amount") - before.get("settled_amount")).isCloseTo(1.25, within(1e-6));

    MetricRegistry down = new MetricRegistry();
    new OpenReservations(Jdbi.create(() -> {
      throw new SQLException("the database is down");
    }), CLOCK, down);
    assertThat(gauges(down)).containsOnly(Map.entry("holds", -1.0), Map.entry("held_amount", -1.0),
        Map.entry("settled", -1.0), Map.entry("settled_amount", -1.0));
  }

  @Test
  void theResourceSettlesReleasesAndListsThroughTheServiceAndAnIdThatIsNoUuidIsA404() {
    ReservationResource resource = new ReservationResource(reservations);
    String t = tenant();
    BudgetStanding s = live(t, "100.00");
    UUID settling = hold(s, "2.00", null, null).hold().id();
    UUID releasing = hold(s, "1.00", null, null).hold().id();

    ReservationView settled = resource.settle(t, settling.toString(), new SettleRequest(new BigDecimal("1.10")));
    assertThat(settled.status()).isEqualTo("settled");
    assertThat(settled.actualCost()).isEqualByComparingTo("1.10");
    Response released = resource.release(t, releasing.toString());
    assertThat(released.getStatus()).isEqualTo(204);
    assertThat(statuses(t)).containsExactly("settled", "released");
    assertThat(resource.list(t)).isEqualTo(Map.of("reservations", reservations.list(t)));
    assertThat(resource.list(t).get("reservations")).hasSize(2);

    for (ThrowingCallable call : List.<ThrowingCallable>of(() -> resource.settle(t, "not-a-uuid",
        new SettleRequest(BigDecimal.ONE)), () -> resource.release(t, "not-a-uuid"))) {
      assertThat(failure(call)).satisfies(e -> {
        assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
        assertThat(e.error()).isEqualTo("unknown_reservation");
        assertThat(e.getMessage()).isEqualTo("tenant '" + t + "' has no reservation with id 'not-a-uuid'");
      });
    }
  }

  // --- fixtures

  static Jdbi jdbi(MetricRegistry metrics) {
    Jdbi jdbi = Jdbi.create(POOL).installPlugin(new SqlObjectPlugin());
    BudgetRowMappers.register(jdbi, KEYS);
    jdbi.setSqlLogger(new InstrumentedSqlLogger(metrics)); // as Dropwizard's JdbiFactory: one timer per statement
    return jdbi;
  }

  static DataSource pool() {
    return io.budgetgate.testing.TestApps.pool(DB);
  }

  static ObjectMapper json() {
    ObjectMapper mapper = Jackson.newObjectMapper();
    BudgetGateApplication.configureJson(mapper);
    return mapper;
  }

  ReservationService service(MetricRegistry registry) {
    return service(registry, config);
  }

  ReservationService service(MetricRegistry registry, ReservationConfig config) {
    return new ReservationService(jdbi, cache, json, config, CLOCK, () -> {
      UUID id = UUID.randomUUID();
      issued.add(id);
      return id;
    }, registry);
  }

  /** A service whose sweep is {@code sweep}: the sweeper's schedule without touching any row. */
  ReservationService sweepingWith(java.util.function.IntSupplier sweep) {
    return new ReservationService(jdbi, cache, json, config, CLOCK, UUID::randomUUID, new MetricRegistry()) {
      @Override
      public int sweep() {
        return sweep.getAsInt();
      }
    };
  }

  /**
   * Moves the clock 30 days past the previous case that swept (and so past every row any case or
   * earlier run made) and sweeps once with counters of its own: this case's sweeps see only its rows.
   */
  Instant freshEpoch() {
    Instant base = TestClock.START.plus(java.time.Duration.ofDays(30 * EPOCHS.incrementAndGet()));
    CLOCK.set(base);
    service(new MetricRegistry()).sweep();
    log.clear(); // what that sweep expired is not this case's
    return base;
  }

  /** A tenant row (budget 100, block_at 110) under a name no other case or run uses. */
  String tenant() {
    String id = "rs-" + UUID.randomUUID().toString().substring(0, 8);
    VirtualKey key = new VirtualKey("sk-" + UUID.randomUUID().toString().replace("-", ""));
    jdbi.useHandle(h -> h.createUpdate("""
        INSERT INTO tenant_configs (tenant_id, name, max_budget, alert_threshold, grace_threshold, litellm_key_alias,
                                    litellm_key_hash, litellm_virtual_key, created_at, updated_at)
        VALUES (:id, :id, 100.00, 80, 110, :alias, :hash, :sealed, :now, :now)""")
        .bind("id", id).bind("alias", "budgetgate-" + id).bind("hash", key.hash()).bind("sealed", KEYS.seal(id, key))
        .bind("now", CLOCK.instant()).execute());
    return id;
  }

  static BudgetStanding live(String tenant, String spend) {
    return standing(tenant, new BigDecimal(spend), BLOCK_AT, SpendSource.LIVE, null);
  }

  static BudgetStanding fromCache(String tenant, String spend) {
    return standing(tenant, new BigDecimal(spend), BLOCK_AT, SpendSource.CACHE, null);
  }

  /** A standing as the decision hands it over (state null: blocked exactly at block_at, else ok). */
  static BudgetStanding standing(String tenant, BigDecimal spend, BigDecimal blockAt, SpendSource source, BudgetState state) {
    BudgetState s = state != null ? state : spend.compareTo(blockAt) >= 0 ? BudgetState.BLOCKED : BudgetState.OK;
    BigDecimal budget = new BigDecimal("100.00");
    return new BudgetStanding(tenant, s, spend, budget, BigDecimal.ZERO, budget, spend, 80, 110, new BigDecimal("80.00"),
        blockAt, spend == null ? null : blockAt.subtract(spend).max(BigDecimal.ZERO), "30d", null, source,
        CLOCK.instant(), null, null, BudgetStanding.KeySync.SYNCED);
  }

  ReservationService.Access hold(BudgetStanding s, String estimate, String requestId, Integer seconds) {
    return access(s, estimate, requestId, seconds);
  }

  ReservationService.Access access(BudgetStanding s, String estimate, String requestId, Integer seconds) {
    return reservations.access(s, new AccessRequest(estimate == null ? null : new BigDecimal(estimate), requestId, seconds));
  }

  ReservationView settle(String tenant, UUID id, String actual) {
    return reservations.settle(tenant, id, new SettleRequest(new BigDecimal(actual)));
  }

  UUID lastIssued() {
    return issued.get(issued.size() - 1);
  }

  List<ReservationRow> rows(String tenant) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budget_reservations WHERE tenant_id = :t ORDER BY seq")
        .bind("t", tenant).mapTo(ReservationRow.class).list());
  }

  List<String> statuses(String tenant) {
    return rows(tenant).stream().map(ReservationRow::status).toList();
  }

  ReservationRow row(String tenant, UUID id) {
    return jdbi.withExtension(ReservationDao.class, dao -> dao.byId(tenant, id, "")).orElseThrow();
  }

  Optional<String> entry(String tenant) {
    return cache.get("budget:reserved:" + tenant);
  }

  ReservationCounts.CachedCount cachedCount(String tenant) {
    try {
      return json.readValue(entry(tenant).orElseThrow(), ReservationCounts.CachedCount.class);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** The tenant's cached count holds this spend, amount and end (the amounts compared as numbers). */
  void assertCached(String tenant, String spend, String reserved, Instant until) {
    ReservationCounts.CachedCount c = cachedCount(tenant);
    assertThat(c.spend()).as("spend").isEqualByComparingTo(spend);
    assertThat(c.reserved()).as("reserved").isEqualByComparingTo(reserved);
    assertThat(c.until()).as("until").isEqualTo(until);
  }

  void plant(String tenant, String spend, String reserved, Instant until) {
    try {
      cache.put("budget:reserved:" + tenant, json.writeValueAsString(new ReservationCounts.CachedCount(
          new BigDecimal(spend), new BigDecimal(reserved), until)), java.time.Duration.ofMinutes(10));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** How many times each {@code ReservationDao} statement has run (Jdbi's timers, as the app has them). */
  Map<String, Long> statements() {
    String prefix = "io.budgetgate.budget.ReservationDao.";
    return metrics.getTimers().entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).collect(Collectors.toMap(
        e -> e.getKey().substring(prefix.length()), e -> e.getValue().getCount()));
  }

  /** The statements run since {@code before}, and how often. */
  Map<String, Long> statementsSince(Map<String, Long> before) {
    Map<String, Long> since = new LinkedHashMap<>();
    statements().forEach((name, count) -> {
      long ran = count - before.getOrDefault(name, 0L);
      if (ran > 0) {
        since.put(name, ran);
      }
    });
    return since;
  }

  long countQueries() {
    return metrics.timer("io.budgetgate.budget.ReservationDao.counted").getCount();
  }

  void assertCounted(Object... nameThenCount) {
    Map<String, Long> expected = new LinkedHashMap<>();
    COUNTERS.forEach(n -> expected.put(n, 0L));
    for (int i = 0; i < nameThenCount.length; i += 2) {
      expected.put((String) nameThenCount[i], ((Integer) nameThenCount[i + 1]).longValue());
    }
    Map<String, Long> actual = new LinkedHashMap<>();
    COUNTERS.forEach(n -> actual.put(n, metrics.counter("reservations." + n).getCount()));
    assertThat(actual).isEqualTo(expected);
  }

  static Map<String, Double> gauges(MetricRegistry registry) {
    return Stream.of("holds", "held_amount", "settled", "settled_amount").collect(Collectors.toMap(n -> n,
        n -> ((Number) registry.getGauges().get("reservations.open." + n).getValue()).doubleValue()));
  }

  static ServiceException failure(ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(ServiceException.class);
    return (ServiceException) thrown;
  }

  static List<FieldError> fields(ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(ValidationException.class);
    return ((ValidationException) thrown).fields();
  }

  /** Within 2 s: its end follows the executor's at once, and a longer wait would outlast PIT's timeout for the case. */
  static void assertNoSweeperThread() {
    Eventually.await("the sweeper's thread ends", java.time.Duration.ofSeconds(2), () -> Thread.getAllStackTraces()
        .keySet().stream().noneMatch(th -> th.getName().equals("reservation-sweeper") && th.isAlive()));
  }

  List<String> lines() {
    return log.lines();
  }
}
