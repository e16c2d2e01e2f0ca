package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Budget status and the 402 decision over HTTP, on real PostgreSQL and the LiteLLM simulator. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetApiIT {
  static final Instant START = TestClock.START;
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);

  static ApiClient api;
  static BudgetScenario given;
  static CapturedLogs logs;

  @BeforeAll
  static void connect() {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    given = new BudgetScenario(api, LITELLM, DB);
    logs = CapturedLogs.attach();
  }

  @AfterEach
  void heal() {
    LITELLM.heal();
  }

  @Test
  void statusCarriesEveryFieldComputedFromLiveSpend() {
    given.tenant("status-all", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("status-all", "85");

    JsonNode s = given.statusJson("status-all");

    assertThat(s.get("tenant_id").asText()).isEqualTo("status-all");
    assertThat(s.get("state").asText()).isEqualTo("warning");
    assertThat(s.get("allowed").asBoolean()).isTrue();
    assertThat(s.get("spend").decimalValue()).isEqualByComparingTo("85");
    assertThat(s.get("max_budget").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(s.get("override_total").decimalValue()).isEqualByComparingTo("0");
    assertThat(s.get("effective_budget").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(s.get("percent_used").decimalValue()).isEqualByComparingTo("85.00");
    assertThat(s.get("alert_threshold").asInt()).isEqualTo(80);
    assertThat(s.get("grace_threshold").asInt()).isEqualTo(110);
    assertThat(s.get("alert_at").decimalValue()).isEqualByComparingTo("80.00");
    assertThat(s.get("block_at").decimalValue()).isEqualByComparingTo("110.00");
    assertThat(s.get("remaining").decimalValue()).isEqualByComparingTo("15.00");
    assertThat(s.get("budget_duration").asText()).isEqualTo("30d");
    assertThat(s.get("budget_reset_at").asText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(s.get("source").asText()).isEqualTo("live");
    assertThat(s.get("degraded").asBoolean()).isFalse();
    assertThat(Instant.parse(s.get("checked_at").asText())).isEqualTo(START);
  }

  @ParameterizedTest(name = "spend {1} at {2}/{3} -> {4}")
  @CsvSource({
      "b1, 79.99, 80, 110, ok, true", "b2, 80.00, 80, 110, warning, true", "b3, 99.99, 80, 110, warning, true",
      "b4, 100.00, 80, 110, critical, true", "b5, 109.99, 80, 110, critical, true", "b6, 110.00, 80, 110, blocked, false",
      "b7, 49.99, 50, 120, ok, true", "b8, 50.00, 50, 120, warning, true", "b9, 119.99, 50, 120, critical, true",
      "b10, 120.00, 50, 120, blocked, false"})
  void everyBoundaryOverHttp(String id, String spend, int alert, int grace, String state, boolean allowed) {
    given.tenant(id, "\"max_budget\": 100, \"alert_threshold\": " + alert + ", \"grace_threshold\": " + grace);
    given.spend(id, spend);

    JsonNode s = given.statusJson(id);
    Answer access = given.access(id);

    assertThat(s.get("state").asText()).isEqualTo(state);
    assertThat(s.get("allowed").asBoolean()).isEqualTo(allowed);
    assertThat(access.status()).isEqualTo(allowed ? 200 : 402);
  }

  /**
   * The same boundaries where percent and dollars differ: a 250 budget, and a 100 budget with a
   * 50 override (effective 150: 80 % is 120.00, the grace limit 165.00). A rule that compared the
   * spend with max_budget, or a percentage of the wrong base, passes the table above and fails here.
   */
  @ParameterizedTest(name = "spend {2} of {1} + override {3} -> {4}")
  @CsvSource({
      "n1, 250, 0, 199.99, ok, true", "n2, 250, 0, 200.00, warning, true", "n3, 250, 0, 249.99, warning, true",
      "n4, 250, 0, 250.00, critical, true", "n5, 250, 0, 274.99, critical, true", "n6, 250, 0, 275.00, blocked, false",
      "o1, 100, 50, 119.99, ok, true", "o2, 100, 50, 120.00, warning, true", "o3, 100, 50, 149.99, warning, true",
      "o4, 100, 50, 150.00, critical, true", "o5, 100, 50, 164.99, critical, true", "o6, 100, 50, 165.00, blocked, false"})
  void everyBoundaryOverHttpWhereDollarsAreNotPercent(String id, String budget, String override, String spend, String state,
      boolean allowed) {
    given.tenant(id, "\"max_budget\": " + budget);
    if (!"0".equals(override)) {
      Answer granted = api.post("/v1/tenants/" + id + "/budget/overrides", TestTokens.ADMIN,
          "{\"amount\": " + override + ", \"reason\": \"boundary table\", \"expires_at\": \"2026-11-30T00:00:00Z\"}");
      assertThat(granted.status()).as(granted.body()).isEqualTo(201);
    }
    given.spend(id, spend);

    JsonNode s = given.statusJson(id);
    Answer access = given.access(id);

    assertThat(s.get("effective_budget").decimalValue()).isEqualByComparingTo(new BigDecimal(budget).add(new BigDecimal(override)));
    assertThat(s.get("state").asText()).isEqualTo(state);
    assertThat(s.get("allowed").asBoolean()).isEqualTo(allowed);
    assertThat(access.status()).as(access.body()).isEqualTo(allowed ? 200 : 402);
  }

  @Test
  void accessHandsOutTheVirtualKeyAndTheLiteLlmAddress() throws Exception {
    given.tenant("access-ok", "\"max_budget\": 100");
    given.spend("access-ok", "105");

    Answer access = given.access("access-ok");

    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().get("allowed").asBoolean()).isTrue();
    assertThat(access.json().get("base_url").asText()).isEqualTo(LITELLM.baseUrl());
    assertThat(access.json().get("api_key").asText())
        .isEqualTo(TestKeys.open("access-ok", given.one("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = 'access-ok'")));
    assertThat(access.json().at("/budget/state").asText()).isEqualTo("critical");
    assertThat(logs.all()).doesNotContain(access.json().get("api_key").asText().substring(3));
  }

  @Test
  void overTheGraceLimitIs402WithTheStatusAndRetryAfter() {
    given.tenant("over", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("over", "110");

    Answer refused = given.access("over");

    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().get("code").asInt()).isEqualTo(402);
    assertThat(refused.json().get("error").asText()).isEqualTo("budget_exceeded");
    assertThat(refused.json().get("message").asText())
        .contains("'over'").contains("$110").contains("$110.00").contains("2026-12-01T00:00:00Z");
    assertThat(refused.json().at("/details/state").asText()).isEqualTo("blocked");
    assertThat(refused.json().at("/details/tenant_id").asText()).isEqualTo("over");
    assertThat(refused.body()).doesNotContain("api_key");
    // 2026-11-10T12:00Z -> 2026-12-01T00:00Z is 20.5 days
    assertThat(refused.header("Retry-After")).isEqualTo(String.valueOf(Duration.ofHours(20 * 24 + 12).toSeconds()));
  }

  @Test
  void retryAfterRoundsAPartSecondUpAndIsNeverZero() {
    given.tenant("over-soon", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("over-soon", "110");
    Instant reset = Instant.parse("2026-12-01T00:00:00Z");

    CLOCK.set(reset.minusMillis(1500));
    assertThat(given.access("over-soon").header("Retry-After")).as("1.5 s before the reset").isEqualTo("2");
    CLOCK.set(reset.minusMillis(200));
    assertThat(given.access("over-soon").header("Retry-After")).as("0.2 s before the reset").isEqualTo("1");
  }

  @Test
  void withoutAResetScheduledThe402HasNoRetryAfter() {
    given.tenant("over-forever", "\"max_budget\": 10");
    given.spend("over-forever", "11");

    Answer refused = given.access("over-forever");

    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.header("Retry-After")).isNull();
    assertThat(refused.json().get("message").asText()).contains("no reset is scheduled");
  }

  @Test
  void aZeroBudgetIsRefusedAtZeroSpend() {
    given.tenant("zero", "\"max_budget\": 0");

    Answer refused = given.access("zero");

    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().at("/details/state").asText()).isEqualTo("blocked");
    // word for word: the over-budget wording also names "$0.00" (its limit), so a contains() check
    // cannot tell the zero-budget wording from it
    assertThat(refused.json().get("message").asText()).isEqualTo("tenant 'zero' has a budget of $0.00, so every call is "
        + "refused; no reset is scheduled (no budget_duration); an admin can raise max_budget or grant an override");
  }

  @Test
  void negativeSpendFromLiteLlmCountsAsZeroAndIsLogged() {
    given.tenant("negative", "\"max_budget\": 100");
    given.spend("negative", "-12.5");

    JsonNode s = given.statusJson("negative");

    assertThat(s.get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(s.get("state").asText()).isEqualTo("ok");
    assertThat(logs.all()).contains("negative spend -12.5 for tenant negative");

    given.tenant("nothing-spent", "\"max_budget\": 100");
    given.spend("nothing-spent", "0");
    assertThat(given.statusJson("nothing-spent").get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(logs.all()).as("zero is not negative").doesNotContain("for tenant nothing-spent");
  }

  @Test
  void aFreshReadRaisesTheAlertItShows() throws Exception {
    given.tenant("raised-by-check", "\"max_budget\": 100");
    given.spend("raised-by-check", "85");

    assertThat(given.statusJson("raised-by-check").get("source").asText()).isEqualTo("live");

    // CheckAlerts writes it on its own threads a moment after the answer
    Eventually.await("the check's alert", Duration.ofSeconds(10), () -> alerts("raised-by-check").equals("warning,check"));
  }

  @Test
  void unknownTenantIs404ForStatusAndAccess() {
    assertThat(given.status("ghost").status()).isEqualTo(404);
    assertThat(given.access("ghost").json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  @Test
  void viewerMayNotAskForAccess() {
    given.tenant("roles", "");

    assertThat(api.post("/v1/tenants/roles/llm-access", TestTokens.VIEWER, "").status()).isEqualTo(403);
    assertThat(api.get("/v1/tenants/roles/budget", TestTokens.VIEWER).status()).isEqualTo(403);
    assertThat(api.get("/v1/tenants/roles/budget", TestTokens.ADMIN).status()).isEqualTo(200);
  }

  @Test
  void aCacheHitAsksNeitherLiteLlmNorTheDatabase() {
    given.tenant("cached", "\"max_budget\": 100");
    given.spend("cached", "10");
    assertThat(given.statusJson("cached").get("source").asText()).isEqualTo("live");
    MetricRegistry metrics = APP.getEnvironment().metrics();
    int infoCalls = LITELLM.callCount("/key/info");
    long queries = budgetDaoQueries(metrics);
    assertThat(queries).as("the statement timers this test relies on exist: " + metrics.getTimers().keySet()).isPositive();
    long cacheHits = metrics.timer("budget.decision.cache").getCount();

    given.spend("cached", "95"); // LiteLLM moves, the cache does not know yet
    JsonNode second = given.statusJson("cached");
    Answer access = given.access("cached");

    assertThat(second.get("source").asText()).isEqualTo("cache");
    assertThat(second.get("spend").decimalValue()).isEqualByComparingTo("10");
    assertThat(access.json().at("/budget/source").asText()).isEqualTo("cache");
    assertThat(LITELLM.callCount("/key/info")).isEqualTo(infoCalls);
    assertThat(budgetDaoQueries(metrics)).isEqualTo(queries);
    assertThat(metrics.timer("budget.decision.cache").getCount()).isEqualTo(cacheHits + 2);

    CLOCK.advance(Duration.ofSeconds(61)); // past budget.cacheTtl
    assertThat(given.statusJson("cached").get("spend").decimalValue()).isEqualByComparingTo("95");
  }

  @Test
  void liteLlmDownAnswersFromTheLastKnownSpendThenOpenAndDegraded() {
    given.tenant("flaky", "\"max_budget\": 100");
    given.spend("flaky", "90");
    given.statusJson("flaky");
    LITELLM.failWith(503, -1);
    MetricRegistry metrics = APP.getEnvironment().metrics();
    long degradedBefore = metrics.counter("budget.decision.degraded").getCount();

    CLOCK.advance(Duration.ofSeconds(61));
    JsonNode stale = given.statusJson("flaky");
    CLOCK.advance(Duration.ofMinutes(10));
    JsonNode unavailable = given.statusJson("flaky");
    Answer access = given.access("flaky");

    assertThat(stale.get("source").asText()).isEqualTo("stale");
    assertThat(stale.get("degraded").asBoolean()).isTrue();
    assertThat(stale.get("spend").decimalValue()).isEqualByComparingTo("90");
    assertThat(stale.get("state").asText()).isEqualTo("warning");
    assertThat(unavailable.get("source").asText()).isEqualTo("unavailable");
    assertThat(unavailable.get("degraded").asBoolean()).isTrue();
    assertThat(unavailable.get("allowed").asBoolean()).isTrue();
    assertThat(unavailable.get("spend").isNull()).isTrue();
    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().at("/budget/degraded").asBoolean()).isTrue();
    assertThat(metrics.counter("budget.decision.degraded").getCount()).isEqualTo(degradedBefore + 3);
    assertThat(metrics.timer("budget.decision.stale").getCount()).isPositive();
    assertThat(metrics.timer("budget.decision.unavailable").getCount()).isPositive();

    LITELLM.heal();
    assertThat(given.statusJson("flaky").get("source").asText()).isEqualTo("live");
  }

  @Test
  void aSlowLiteLlmNeverHoldsADecisionBeyondTheTimeoutBudget() {
    given.tenant("slow", "\"max_budget\": 100");
    LITELLM.delay(Duration.ofSeconds(5), -1);
    long started = System.nanoTime();

    Answer access = given.access("slow");

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().at("/budget/source").asText()).isEqualTo("unavailable");
    // test-app.yml: 3 attempts x 500 ms + 20 ms + 40 ms backoff; generous headroom for a busy machine
    assertThat(tookMillis).isLessThan(4_000);
  }

  @Test
  void blockedAndDegradedAnswersAreCounted() {
    given.tenant("counted", "\"max_budget\": 1");
    given.spend("counted", "5");
    long blocked = APP.getEnvironment().metrics().counter("budget.decision.blocked").getCount();

    given.tenant("counted-ok", "\"max_budget\": 100");
    long degraded = APP.getEnvironment().metrics().counter("budget.decision.degraded").getCount();

    given.access("counted");
    given.access("counted-ok");

    assertThat(APP.getEnvironment().metrics().counter("budget.decision.blocked").getCount())
        .as("the blocked answer, not the allowed one").isEqualTo(blocked + 1);
    assertThat(APP.getEnvironment().metrics().counter("budget.decision.degraded").getCount())
        .as("neither answer was degraded").isEqualTo(degraded);
    // the time a decision took, not a sum of clock readings: far below a minute on any machine
    assertThat(APP.getEnvironment().metrics().timer("budget.decision.live").getSnapshot().getMax())
        .isBetween(1L, Duration.ofMinutes(1).toNanos());
    assertThat(APP.getEnvironment().metrics().getTimers()).containsKeys(
        "budget.decision.live", "budget.decision.cache", "budget.decision.stale", "budget.decision.unavailable");
  }

  private static String alerts(String tenant) {
    try {
      return String.valueOf(given.one("SELECT string_agg(level || ',' || source, ';') FROM budget_alert_history "
          + "WHERE tenant_id = '" + tenant + "'"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long budgetDaoQueries(MetricRegistry metrics) {
    return metrics.getTimers().entrySet().stream()
        .filter(e -> e.getKey().contains("BudgetDao") || e.getKey().contains("TenantDao") || e.getKey().contains("sql"))
        .mapToLong(e -> e.getValue().getCount())
        .sum();
  }
}
