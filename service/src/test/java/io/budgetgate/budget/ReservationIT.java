package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counter;
import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApplication;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reservations over HTTP on real PostgreSQL (DESIGN §11): concurrent holds of one tenant cannot
 * take more than its headroom, releases and expiry give it back, settling counts the real cost
 * until LiteLLM has recorded it, a request_id never holds twice, and every bad input has its code.
 * Each case makes its own tenant, so nothing here depends on another case or on a first run.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReservationIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);

  static ApiClient api;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    given = new BudgetScenario(api, LITELLM, DB);
  }

  // --- the bound

  @Test
  void fiftyConcurrentHoldsOfOneDollarAgainstFiveDollarsOfHeadroomHoldExactlyFive() throws Exception {
    String t = tenantWithHeadroomOf5();

    List<Answer> answers = atOnce(50, i -> hold(t, "1.00", null));

    assertThat(count(answers, 200)).isEqualTo(5);
    assertThat(answers.stream().filter(a -> a.status() == 402).map(a -> a.json().at("/details/reason").asText()))
        .hasSize(45).containsOnly("insufficient_headroom");
    assertThat(answers.stream().filter(a -> a.status() == 200).map(a -> a.json().at("/reservation/id").asText())
        .distinct()).hasSize(5);
    JsonNode status = given.statusJson(t);
    assertThat(status.get("reserved").decimalValue()).isEqualByComparingTo("5.00");
    assertThat(status.get("headroom").decimalValue()).isEqualByComparingTo("0");
    assertThat(status.get("allowed").asBoolean()).isFalse();
    assertThat(heldInDatabase(t)).isEqualTo(5);
  }

  @Test
  void releasingTwoLetsExactlyTwoMoreIn() throws Exception {
    String t = tenantWithHeadroomOf5();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(hold(t, "1.00", null).json().at("/reservation/id").asText());
    }
    assertThat(release(t, ids.get(0)).status()).isEqualTo(204);
    assertThat(release(t, ids.get(1)).status()).isEqualTo(204);
    assertThat(release(t, ids.get(1)).status()).as("releasing again changes nothing").isEqualTo(204);

    List<Answer> answers = atOnce(10, i -> hold(t, "1.00", null));

    assertThat(count(answers, 200)).isEqualTo(2);
    assertThat(count(answers, 402)).isEqualTo(8);
    assertThat(heldInDatabase(t)).isEqualTo(5);
  }

  @Test
  void anExpiredHoldFreesItsHeadroomAndIsCountedOnce() {
    String t = tenantWithHeadroomOf5();
    Counter expired = APP.getEnvironment().metrics().counter("reservations.expired");
    long before = expired.getCount();
    Answer held = post(t, "{\"estimated_cost\": \"5.00\", \"hold_seconds\": 30}");
    assertThat(held.status()).isEqualTo(200);
    assertThat(held.json().at("/reservation/expires_at").asText()).isEqualTo(CLOCK.instant().plusSeconds(30).toString());
    assertThat(hold(t, "0.01", null).status()).isEqualTo(402);

    CLOCK.advance(Duration.ofSeconds(30)); // at its expiry it no longer counts, swept or not
    assertThat(hold(t, "5.00", null).status()).isEqualTo(200);
    AdminTasks.run(APP.getAdminPort(), "sweep-reservations");
    AdminTasks.run(APP.getAdminPort(), "sweep-reservations");

    assertThat(expired.getCount() - before).isEqualTo(1);
    String id = held.json().at("/reservation/id").asText();
    assertThat(list(t)).filteredOn(r -> r.get("id").asText().equals(id)).singleElement()
        .satisfies(r -> assertThat(r.get("status").asText()).isEqualTo("expired"));
  }

  @Test
  void sweepsRunningAtOnceExpireEachHoldOnce() throws Exception {
    String t = tenant("1000.00");
    for (int i = 0; i < 60; i++) {
      assertThat(post(t, "{\"estimated_cost\": \"1.00\", \"hold_seconds\": 1}").status()).isEqualTo(200);
    }
    Counter expired = APP.getEnvironment().metrics().counter("reservations.expired");
    long before = expired.getCount();
    CLOCK.advance(Duration.ofSeconds(1));

    List<Answer> sweeps = atOnce(4, i -> {
      AdminTasks.run(APP.getAdminPort(), "sweep-reservations");
      return null;
    });

    assertThat(sweeps).hasSize(4);
    assertThat(expired.getCount() - before).as("each hold counted once, whichever sweep took it").isEqualTo(60);
    assertThat(given.count("SELECT count(*) FROM budget_reservations WHERE tenant_id = '" + t + "' AND status = 'expired'"))
        .isEqualTo(60);
    assertThat(given.count("SELECT count(*) FROM budget_reservations WHERE tenant_id = '" + t + "' AND status = 'held'"))
        .isZero();
  }

  @Test
  void aCachedStatusReadsTheCountFromTheCacheUntilAHoldEndsOrASettleChangesIt() {
    String t = tenantWithHeadroomOf5();
    given.statusJson(t); // the status is cached from here on (the clock moves 5 s, the status cache lives 60 s)
    assertThat(hold(t, "2.00", null).status()).isEqualTo(200);
    String settling = post(t, "{\"estimated_cost\": \"1.00\", \"hold_seconds\": 5}").json().at("/reservation/id").asText();
    long counts = countQueries();

    JsonNode cached = given.statusJson(t);
    assertThat(cached.get("source").asText()).isEqualTo("cache");
    assertThat(cached.get("reserved").decimalValue()).isEqualByComparingTo("3.00");
    assertThat(given.statusJson(t).get("headroom").decimalValue()).isEqualByComparingTo("2.00");
    assertThat(countQueries() - counts).as("the hold's count, cached with the status's spend, is read from the cache")
        .isZero();

    CLOCK.advance(Duration.ofSeconds(5)); // the $1 hold ends: the cached count no longer holds
    assertThat(given.statusJson(t).get("reserved").decimalValue()).isEqualByComparingTo("2.00");
    assertThat(countQueries() - counts).isEqualTo(1);
    assertThat(given.statusJson(t).get("reserved").decimalValue()).isEqualByComparingTo("2.00");
    assertThat(countQueries() - counts).as("counted again once, then cached").isEqualTo(1);

    assertThat(settle(t, settling, "0.70").status()).as("an expired hold can be settled").isEqualTo(200);
    assertThat(given.statusJson(t).get("reserved").decimalValue()).as("a settle drops the cached count").isEqualByComparingTo("2.70");
    assertThat(countQueries() - counts).isEqualTo(2);
  }

  @Test
  void aSettleAndAReleaseDoNotWaitForTheTenantsLockButAHoldDoes() throws Exception {
    String t = tenant("1000.00");
    String settling = hold(t, "1.00", null).json().at("/reservation/id").asText();
    String releasing = hold(t, "1.00", null).json().at("/reservation/id").asText();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (java.sql.Connection c = DB.connect()) {
      c.setAutoCommit(false);
      try (java.sql.Statement lock = c.createStatement()) {
        lock.executeQuery("SELECT tenant_id FROM tenant_configs WHERE tenant_id = '" + t + "' FOR UPDATE").close();
      }
      Future<Answer> waiting = pool.submit(() -> hold(t, "1.00", null));
      awaitLockWaiters(1);

      assertThat(settle(t, settling, "0.90").status()).as("settled while another transaction holds the tenant's row")
          .isEqualTo(200);
      assertThat(release(t, releasing).status()).isEqualTo(204);
      assertThat(waiting.isDone()).as("the hold waits for the tenant's row").isFalse();

      c.rollback();
      assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
    assertThat(reservedLive(t)).as("0.90 settled, 1.00 held").isEqualByComparingTo("1.90");
  }

  @Test
  void theGaugesShowOpenHoldsAndSettledAmountsStillCounting() {
    Map<String, Number> before = gauges();
    String t = tenant("1000.00");
    String kept = hold(t, "1.25", null).json().at("/reservation/id").asText();
    String dropped = hold(t, "2.50", null).json().at("/reservation/id").asText();
    String done = hold(t, "0.75", null).json().at("/reservation/id").asText();
    assertThat(settle(t, done, "0.40").status()).isEqualTo(200);
    assertThat(release(t, dropped).status()).isEqualTo(204);

    Map<String, Number> after = gauges();

    // the gauges read every tenant's rows: only this case's change is compared (the clock does not move here)
    assertThat(after.get("holds").longValue() - before.get("holds").longValue()).isEqualTo(1);
    assertThat(BigDecimal.valueOf(after.get("held_amount").doubleValue())
        .subtract(BigDecimal.valueOf(before.get("held_amount").doubleValue()))).isEqualByComparingTo("1.25");
    assertThat(after.get("settled").longValue() - before.get("settled").longValue()).isEqualTo(1);
    assertThat(BigDecimal.valueOf(after.get("settled_amount").doubleValue())
        .subtract(BigDecimal.valueOf(before.get("settled_amount").doubleValue()))).isEqualByComparingTo("0.40");
    assertThat(kept).isNotEqualTo(done);
  }

  @Test
  void aPlainCheckIsRefusedOnceHoldsFillTheHeadroom() {
    String t = tenantWithHeadroomOf5();
    assertThat(given.access(t).status()).isEqualTo(200);
    assertThat(hold(t, "5.00", null).status()).isEqualTo(200);

    Answer refused = given.access(t);
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().get("error").asText()).isEqualTo("budget_exceeded");
    assertThat(refused.json().at("/details/reason").asText()).isEqualTo("insufficient_headroom");
    assertThat(refused.json().at("/details/reserved").decimalValue()).isEqualByComparingTo("5.00");
    assertThat(refused.json().at("/details/estimated_cost").isMissingNode()).isTrue();
    assertThat(refused.header("Retry-After")).as("headroom comes back as holds end, not at the reset").isNull();
    assertThat(refused.json().get("message").asText()).isEqualTo("tenant '" + t + "' has no headroom left: spend $105"
        + " and $5.000000 held by open reservations have reached the limit of $110.00; calls are allowed again as "
        + "reservations are released or settled for less");
  }

  @Test
  void aTenantOverItsLimitIsRefusedBlockedWithOrWithoutAnEstimate() {
    String t = tenant("100.00, \"budget_duration\": \"30d\"");
    given.spend(t, "110.00");
    Answer plain = given.access(t);
    assertThat(plain.status()).isEqualTo(402);
    assertThat(plain.json().at("/details/reason").asText()).isEqualTo("blocked");
    assertThat(plain.header("Retry-After")).as("a spend at the limit waits for the reset").isNotNull();
    Answer estimated = hold(t, "0.01", "r-blocked");
    assertThat(estimated.status()).isEqualTo(402);
    assertThat(estimated.json().at("/details/reason").asText()).isEqualTo("blocked");
    assertThat(estimated.json().at("/details/estimated_cost").decimalValue()).isEqualByComparingTo("0.01");
    assertThat(heldInDatabase(t)).isZero();
  }

  @Test
  void anEstimateThatDoesNotFitIsRefusedWithTheHeadroomLeftInTheMessage() {
    String t = tenantWithHeadroomOf5();
    assertThat(hold(t, "4.50", null).status()).isEqualTo(200);
    Answer refused = hold(t, "0.75", null);
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().at("/details/reason").asText()).isEqualTo("insufficient_headroom");
    assertThat(refused.json().get("message").asText()).isEqualTo("tenant '" + t + "' has $0.500000 of headroom left"
        + " (limit $110.00, spend $105, reserved $4.500000), less than the estimated cost of $0.75; settle or release"
        + " finished calls, or ask again with a smaller estimate");
    assertThat(hold(t, "0.50", null).status()).as("exactly the headroom fits").isEqualTo(200);
  }

  // --- settling

  @Test
  void settlingHigherThanTheEstimateShrinksTheHeadroomAndSettlingAgainChangesNothing() {
    String t = tenantWithHeadroomOf5();
    String id = hold(t, "1.00", null).json().at("/reservation/id").asText();

    Answer settled = settle(t, id, "1.50");
    assertThat(settled.status()).isEqualTo(200);
    assertThat(settled.json().get("status").asText()).isEqualTo("settled");
    assertThat(settled.json().get("actual_cost").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(settled.json().get("counts_until").asText()).isEqualTo(CLOCK.instant().plusSeconds(120).toString());
    JsonNode status = given.statusJson(t);
    assertThat(status.get("reserved").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(status.get("headroom").decimalValue()).isEqualByComparingTo("3.50");

    assertThat(settle(t, id, "1.500").status()).as("the same amount again").isEqualTo(200);
    Answer other = settle(t, id, "1.40");
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.json().get("error").asText()).isEqualTo("reservation_settled");
    assertThat(release(t, id).json().get("error").asText()).isEqualTo("reservation_settled");
    assertThat(given.statusJson(t).get("reserved").decimalValue()).isEqualByComparingTo("1.50");
  }

  @Test
  void liteLlmCatchingUpReleasesTheSettledAmountExactlyOnce() {
    String t = tenantWithHeadroomOf5();
    String a = hold(t, "1.00", null).json().at("/reservation/id").asText();
    String b = hold(t, "1.00", null).json().at("/reservation/id").asText();
    settle(t, a, "1.00");
    settle(t, b, "1.00");
    assertThat(reservedLive(t)).isEqualByComparingTo("2.00");

    given.spend(t, "106.00"); // LiteLLM has recorded one of the two
    assertThat(reservedLive(t)).isEqualByComparingTo("1.00");
    given.spend(t, "107.00"); // and now both
    assertThat(reservedLive(t)).isEqualByComparingTo("0");
    given.spend(t, "108.00"); // a later call of the tenant's own does not give anything back twice
    assertThat(reservedLive(t)).isEqualByComparingTo("0");
    assertThat(given.statusJson(t).get("headroom").decimalValue()).isEqualByComparingTo("2.00");
  }

  @Test
  void aSettledAmountStopsCountingAfterTheSettleLagEvenIfLiteLlmNeverRecordsIt() {
    String t = tenantWithHeadroomOf5();
    String id = hold(t, "1.00", null).json().at("/reservation/id").asText();
    settle(t, id, "2.00");
    CLOCK.advance(Duration.ofSeconds(119));
    assertThat(reservedLive(t)).isEqualByComparingTo("2.00");
    CLOCK.advance(Duration.ofSeconds(1));
    assertThat(reservedLive(t)).isEqualByComparingTo("0");
    AdminTasks.run(APP.getAdminPort(), "sweep-reservations");
    assertThat(list(t)).singleElement().satisfies(r -> assertThat(r.get("status").asText()).isEqualTo("recorded"));
  }

  @Test
  void anExpiredHoldCanStillBeSettledButAReleasedOneCannot() {
    String t = tenantWithHeadroomOf5();
    String late = post(t, "{\"estimated_cost\": \"1.00\", \"hold_seconds\": 5}").json().at("/reservation/id").asText();
    String gone = hold(t, "1.00", null).json().at("/reservation/id").asText();
    CLOCK.advance(Duration.ofSeconds(6));
    assertThat(settle(t, late, "0.80").status()).isEqualTo(200);
    release(t, gone);
    Answer refused = settle(t, gone, "0.80");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error").asText()).isEqualTo("reservation_released");
    assertThat(reservedLive(t)).isEqualByComparingTo("0.80");
  }

  // --- idempotence

  @Test
  void aRepeatedRequestIdGetsTheSameHoldAndNeverASecond() throws Exception {
    String t = tenantWithHeadroomOf5();
    List<Answer> answers = atOnce(10, i -> hold(t, "2.00", "call-1"));

    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
    assertThat(answers.stream().map(a -> a.json().at("/reservation/id").asText()).distinct()).hasSize(1);
    assertThat(answers.get(0).json().at("/reservation/request_id").asText()).isEqualTo("call-1");
    assertThat(heldInDatabase(t)).isEqualTo(1);
    assertThat(reservedLive(t)).isEqualByComparingTo("2.00");

    Answer reused = hold(t, "2.50", "call-1");
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.json().get("error").asText()).isEqualTo("request_id_reused");
  }

  @Test
  void aRepeatedRequestIdGetsTheSameRefusalEvenOnceThereIsRoom() {
    String t = tenantWithHeadroomOf5();
    String id = hold(t, "4.00", null).json().at("/reservation/id").asText();
    assertThat(hold(t, "2.00", "call-2").json().at("/details/reason").asText()).isEqualTo("insufficient_headroom");
    release(t, id);
    Answer again = hold(t, "2.00", "call-2");
    assertThat(again.status()).isEqualTo(402);
    assertThat(again.json().at("/details/reason").asText()).isEqualTo("insufficient_headroom");
    assertThat(hold(t, "2.00", "call-3").status()).isEqualTo(200);
  }

  // --- what the status and the list show

  @Test
  void withoutReservationsTheStatusShowsNothingReservedAndTheWholeHeadroom() {
    String t = tenantWithHeadroomOf5();
    JsonNode status = given.statusJson(t);
    assertThat(status.get("reserved").decimalValue()).isEqualByComparingTo("0");
    assertThat(status.get("headroom").decimalValue()).isEqualByComparingTo("5.00");
    Answer allowed = given.access(t);
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.json().has("reservation")).isFalse();
  }

  @Test
  void theListShowsOpenAndRecentReservationsNewestFirstToAViewer() {
    String t = tenantWithHeadroomOf5();
    String first = hold(t, "1.00", "a").json().at("/reservation/id").asText();
    String second = hold(t, "1.00", "b").json().at("/reservation/id").asText();
    hold(t, "9.00", "refused"); // a refusal is no reservation
    settle(t, first, "0.25");

    Answer listed = api.get("/v1/tenants/" + t + "/reservations", TestTokens.VIEWER);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().get("reservations")).extracting(r -> r.get("id").asText()).containsExactly(second, first);
    assertThat(listed.json().at("/reservations/1/status").asText()).isEqualTo("settled");
    assertThat(listed.json().at("/reservations/1/spend_at_hold").decimalValue()).isEqualByComparingTo("105");
    assertThat(api.get("/v1/tenants/nobody/reservations", TestTokens.VIEWER).json().get("error").asText())
        .isEqualTo("unknown_tenant");
    assertThat(api.post("/v1/tenants/" + t + "/reservations/" + second + "/settle", TestTokens.VIEWER,
        "{\"actual_cost\": 1}").status()).as("a viewer cannot settle").isEqualTo(403);
  }

  // --- bad input

  @Test
  void everyBadFieldIsA422NamingIt() {
    String t = tenantWithHeadroomOf5();
    Map<String, String> bad = Map.of(
        "{\"estimated_cost\": 0}", "estimated_cost",
        "{\"estimated_cost\": \"-1\"}", "estimated_cost",
        "{\"estimated_cost\": \"0.0000001\"}", "estimated_cost",
        "{\"estimated_cost\": \"1000000000.01\"}", "estimated_cost",
        "{\"estimated_cost\": \"abc\"}", "estimated_cost",
        "{\"estimated_cost\": 1, \"hold_seconds\": 0}", "hold_seconds",
        "{\"estimated_cost\": 1, \"hold_seconds\": 3601}", "hold_seconds",
        "{\"estimated_cost\": 1, \"request_id\": \" \"}", "request_id",
        "{\"request_id\": \"x\"}", "estimated_cost",
        "{\"estimated_cost\": 1, \"cost\": 2}", "cost");
    bad.forEach((body, field) -> {
      Answer a = post(t, body);
      assertThat(a.status()).as(body).isEqualTo(422);
      assertThat(a.json().get("error").asText()).isEqualTo("validation_failed");
      assertThat(a.json().at("/details/fields/0/field").asText()).as(body).isEqualTo(field);
    });
    assertThat(post(t, "{\"estimated_cost\": ").json().get("error").asText()).isEqualTo("malformed_json");
    assertThat(api.send("POST", "/v1/tenants/" + t + "/llm-access", TestTokens.PLATFORM, "text/plain", "1.00").status())
        .isEqualTo(415);
    assertThat(heldInDatabase(t)).isZero();

    String id = hold(t, "1.00", null).json().at("/reservation/id").asText();
    assertThat(settle(t, id, "-0.01").status()).isEqualTo(422);
    assertThat(api.post("/v1/tenants/" + t + "/reservations/" + id + "/settle", TestTokens.PLATFORM, "{}").json()
        .at("/details/fields/0/field").asText()).isEqualTo("actual_cost");
    assertThat(settle(t, UUID.randomUUID().toString(), "1").json().get("error").asText()).isEqualTo("unknown_reservation");
    assertThat(settle(t, "not-a-uuid", "1").json().get("error").asText()).isEqualTo("unknown_reservation");
    assertThat(release(t, UUID.randomUUID().toString()).status()).isEqualTo(404);
    assertThat(settle("nobody", id, "1").json().get("error").asText()).isEqualTo("unknown_tenant");
    assertThat(hold("nobody", "1.00", null).json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  // --- helpers

  /** A tenant with block_at 110 (budget 100, grace 110 %) and spend 105: $5 of headroom. */
  String tenantWithHeadroomOf5() {
    String t = tenant("100.00, \"budget_duration\": \"30d\"");
    given.spend(t, "105.00");
    return t;
  }

  String tenant(String maxBudget) {
    String t = "res-" + UUID.randomUUID().toString().substring(0, 8);
    given.tenant(t, "\"max_budget\": " + maxBudget);
    return t;
  }

  Answer hold(String tenantId, String estimate, String requestId) {
    return post(tenantId, "{\"estimated_cost\": \"" + estimate + "\""
        + (requestId == null ? "" : ", \"request_id\": \"" + requestId + "\"") + "}");
  }

  Answer post(String tenantId, String body) {
    return api.post("/v1/tenants/" + tenantId + "/llm-access", TestTokens.PLATFORM, body);
  }

  Answer settle(String tenantId, String id, String actual) {
    return api.post("/v1/tenants/" + tenantId + "/reservations/" + id + "/settle", TestTokens.PLATFORM,
        "{\"actual_cost\": \"" + actual + "\"}");
  }

  Answer release(String tenantId, String id) {
    return api.send("DELETE", "/v1/tenants/" + tenantId + "/reservations/" + id, TestTokens.PLATFORM, null, null);
  }

  List<JsonNode> list(String tenantId) {
    List<JsonNode> out = new ArrayList<>();
    api.get("/v1/tenants/" + tenantId + "/reservations", TestTokens.VIEWER).json().get("reservations").forEach(out::add);
    return out;
  }

  /** What is reserved by a status read fresh from LiteLLM (the cached one keeps the spend it read). */
  BigDecimal reservedLive(String tenantId) {
    ((TestApplication) APP.getApplication()).features().budgets().invalidate(tenantId); // as a webhook would
    return given.statusJson(tenantId).get("reserved").decimalValue();
  }

  /** Until this many statements of the test database wait for a lock (10 s at most). */
  static void awaitLockWaiters(int n) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (given.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = '"
        + DB.name() + "'") < n) {
      assertThat(System.nanoTime()).as("a statement waiting for a lock").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** How many times this app has counted a tenant's reservations in PostgreSQL (Jdbi's timer of the statement). */
  static long countQueries() {
    return APP.getEnvironment().metrics().timer("io.budgetgate.budget.ReservationDao.counted").getCount();
  }

  /** The four reservations.open.* gauges, read as a scrape would. */
  static Map<String, Number> gauges() {
    return java.util.stream.Stream.of("holds", "held_amount", "settled", "settled_amount").collect(Collectors.toMap(
        name -> name, name -> (Number) APP.getEnvironment().metrics().getGauges().get("reservations.open." + name).getValue()));
  }

  long heldInDatabase(String tenantId) {
    try {
      return given.count("SELECT count(*) FROM budget_reservations WHERE status = 'held' AND tenant_id = '" + tenantId + "'");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(List<Answer> answers, int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }

  /** {@code n} calls started together from their own threads; their answers in order. */
  static List<Answer> atOnce(int n, Function<Integer, Answer> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit((Callable<Answer>) () -> {
          go.await();
          return call.apply(index);
        }));
      }
      go.countDown();
      List<Answer> out = new ArrayList<>();
      for (Future<Answer> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static String codes(List<Answer> answers) {
    return answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting())).toString();
  }
}
