package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budget changes, overrides and periods over HTTP, with time moved by the test. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetChangesIT {
  static final Instant START = TestClock.START;
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  // a change waits for its key write to finish (the default, 1 s, lets a slow one land after the
  // answer: KeySyncIT covers that); so no write is still on its way when a test looks at the key
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("budget.syncWait", "30s"));

  static ApiClient api;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    given = new BudgetScenario(api, LITELLM, DB);
  }

  @AfterEach
  void heal() {
    LITELLM.heal();
  }

  @Test
  void patchChangesTheBudgetMovesTheLiteLlmKeyAndAuditsBeforeAndAfter() throws Exception {
    given.tenant("patched", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("patched", "90");
    assertThat(given.statusJson("patched").get("state").asText()).isEqualTo("warning");

    Answer patched = given.patch("patched", "{\"max_budget\": 200, \"alert_threshold\": 50, \"grace_threshold\": 120, \"budget_duration\": \"7d\"}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("max_budget").decimalValue()).isEqualByComparingTo("200");
    assertThat(patched.json().get("state").asText()).as("the cache was invalidated").isEqualTo("ok");
    assertThat(patched.json().get("block_at").decimalValue()).isEqualByComparingTo("240");
    assertThat(patched.json().get("budget_reset_at").asText()).isEqualTo("2026-11-16T00:00:00Z");
    assertThat(LITELLM.maxBudgetOf("patched")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("240"));
    assertThat(LITELLM.budgetDurationOf("patched")).contains("7d");
    assertThat(given.one("SELECT details->'before'->>'max_budget' || '->' || (details->'after'->>'max_budget') || ' by ' || actor "
        + "FROM audit_log WHERE action = 'budget.updated' AND tenant_id = 'patched'")).isEqualTo("100.00->200.00 by test-admin");
  }

  @Test
  void patchValidatesLikeCreationAndChangesNothingWhenInvalid() throws Exception {
    given.tenant("strict", "\"max_budget\": 100");

    Answer bad = given.patch("strict", "{\"max_budget\": -5, \"grace_threshold\": 99, \"budget_duration\": \"2mo\"}");
    Answer empty = given.patch("strict", "{}");
    Answer unknown = given.patch("nobody", "{\"max_budget\": 5}");

    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().at("/details/fields").findValuesAsText("field"))
        .containsExactlyInAnyOrder("max_budget", "grace_threshold", "budget_duration");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(given.one("SELECT max_budget FROM tenant_configs WHERE tenant_id = 'strict'")).isEqualTo("100.00");
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.updated' AND tenant_id = 'strict'")).isZero();
  }

  @Test
  void aPatchWithoutABodyIs422AndOneFieldChangesOnlyThatField() throws Exception {
    given.tenant("one-field", "\"max_budget\": 100, \"budget_duration\": \"7d\"");
    String resetAt = given.statusJson("one-field").get("budget_reset_at").asText();

    Answer none = api.send("PATCH", "/v1/tenants/one-field/budget", TestTokens.ADMIN, "application/json", "");
    Answer grace = given.patch("one-field", "{\"grace_threshold\": 125}");
    Answer sameDuration = given.patch("one-field", "{\"budget_duration\": \"7d\"}");
    Answer alert = given.patch("one-field", "{\"alert_threshold\": 60}");

    assertThat(none.status()).as(none.body()).isEqualTo(422);
    assertThat(none.json().at("/details/fields").findValuesAsText("field")).containsExactly("body");
    assertThat(grace.status()).as(grace.body()).isEqualTo(200);
    assertThat(grace.json().get("block_at").decimalValue()).isEqualByComparingTo("125");
    assertThat(sameDuration.status()).as(sameDuration.body()).isEqualTo(200);
    assertThat(sameDuration.json().get("budget_reset_at").asText()).as("the same duration starts no new period").isEqualTo(resetAt);
    assertThat(alert.json().get("alert_at").decimalValue()).isEqualByComparingTo("60");
    assertThat(given.one("SELECT max_budget || ',' || alert_threshold || ',' || grace_threshold || ',' || budget_duration "
        + "FROM tenant_configs WHERE tenant_id = 'one-field'")).isEqualTo("100.00,60,125,7d");
  }

  @Test
  void everyAmountIsCheckedAgainstTheOneCeilingOnCreationPatchAndGrant() throws Exception {
    Answer created = api.post("/v1/tenants", TestTokens.ADMIN,
        "{\"tenant_id\": \"too-rich\", \"name\": \"x\", \"max_budget\": 1000000000.01}");
    given.tenant("ceilinged", "\"max_budget\": 999999990");

    Answer patchAbove = given.patch("ceilinged", "{\"max_budget\": 1000000000.01}");
    Answer grantAbove = grant("ceilinged", "{\"amount\": 1000000000.01, \"reason\": \"x\", \"expires_at\": \"2026-12-01T00:00:00Z\"}");
    Answer grantPastTheCeiling = grant("ceilinged", "{\"amount\": 10.01, \"reason\": \"x\", \"starts_at\": \"2026-11-25T00:00:00Z\", "
        + "\"expires_at\": \"2026-12-01T00:00:00Z\"}"); // scheduled: counts against the ceiling all the same
    Answer grantToTheCeiling = grant("ceilinged", "{\"amount\": 10, \"reason\": \"x\", \"expires_at\": \"2026-12-01T00:00:00Z\"}");
    Answer patchPastTheCeiling = given.patch("ceilinged", "{\"max_budget\": 999999990.01}");

    assertThat(fields(created)).containsExactly("max_budget");
    assertThat(created.body()).contains("1000000000.00");
    assertThat(fields(patchAbove)).containsExactly("max_budget");
    assertThat(fields(grantAbove)).containsExactly("amount");
    assertThat(fields(grantPastTheCeiling)).containsExactly("amount");
    assertThat(grantToTheCeiling.status()).as(grantToTheCeiling.body()).isEqualTo(201);
    assertThat(fields(patchPastTheCeiling)).as("with the override: 1,000,000,000.01").containsExactly("max_budget");
    assertThat(given.one("SELECT max_budget FROM tenant_configs WHERE tenant_id = 'ceilinged'")).isEqualTo("999999990.00");
    assertThat(given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'ceilinged'")).isEqualTo(1);
    assertThat(given.count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'too-rich'")).isZero();
  }

  @Test
  void concurrentPatchesLeaveOneRequestWholeAndLoseNone() throws Exception {
    given.tenant("contended", "\"max_budget\": 100");
    int writers = 16;
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      bodies.add("{\"max_budget\": " + (1000 + i) + ", \"alert_threshold\": " + (60 + i) + ", \"grace_threshold\": "
          + (120 + i) + ", \"budget_duration\": \"" + (i + 1) + "d\"}");
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (String body : bodies) {
      results.add(pool.submit(() -> {
        go.await();
        return given.patch("contended", body).status();
      }));
    }
    go.countDown();
    for (Future<Integer> result : results) {
      assertThat(result.get()).isEqualTo(200);
    }
    pool.shutdown();

    String row = given.one("SELECT max_budget || ',' || alert_threshold || ',' || grace_threshold || ',' || budget_duration "
        + "FROM tenant_configs WHERE tenant_id = 'contended'");
    int i = Integer.parseInt(row.split(",")[0].replace(".00", "")) - 1000;
    assertThat(row).as("one request whole").isEqualTo((1000 + i) + ".00," + (60 + i) + "," + (120 + i) + "," + (i + 1) + "d");
    BigDecimal expectedBlockAt = new BigDecimal(1000 + i).multiply(new BigDecimal(120 + i)).divide(new BigDecimal(100));
    // sixteen writes to the key raced each other after their commits, each finished before its
    // answer (budget.syncWait is 30 s here); one that landed late left the row pending (never
    // "synced" with a stale value), and one sync round settles it
    AdminTasks.syncKeys(APP);
    assertThat(given.count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'contended'"
        + " AND litellm_sync_pending_since IS NULL")).as("the row is in sync after one round").isEqualTo(1);
    // a status cached by one of the sixteen answers may still say pending until it expires
    CLOCK.advance(Duration.ofSeconds(61));
    assertThat(given.statusJson("contended").get("litellm_sync").asText()).isEqualTo("synced");
    assertThat(LITELLM.maxBudgetOf("contended")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(expectedBlockAt));
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.updated' AND tenant_id = 'contended'"))
        .as("every update recorded").isEqualTo(writers);
    assertThat(given.one("SELECT version FROM tenant_configs WHERE tenant_id = 'contended'")).isEqualTo(String.valueOf(writers));
  }

  @Test
  void theOverridesOfAnUnknownTenantAre404AndAnUnknownIdIsNamed() throws Exception {
    given.tenant("no-such-override", "\"max_budget\": 100");
    String unknownId = "5b0c7a52-3f8e-4c1e-9a55-2d6a1c0e9f11";

    Answer listed = api.get("/v1/tenants/nobody-here/budget/overrides", TestTokens.VIEWER);
    Answer revoked = api.send("DELETE", "/v1/tenants/no-such-override/budget/overrides/" + unknownId, TestTokens.ADMIN,
        null, null);

    assertThat(listed.status()).isEqualTo(404);
    assertThat(listed.json().get("error").asText()).isEqualTo("unknown_tenant");
    assertThat(revoked.status()).isEqualTo(404);
    assertThat(revoked.json().get("error").asText()).isEqualTo("unknown_override");
    assertThat(revoked.json().get("message").asText()).contains(unknownId);
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'no-such-override' AND action LIKE 'override.%'"))
        .isZero();
  }

  @Test
  void anOverrideLiftsABlockedTenantAndItsExpiryBlocksAgainWithoutAWrite() throws Exception {
    given.tenant("lifted", "\"max_budget\": 100");
    given.spend("lifted", "115");
    assertThat(given.access("lifted").status()).isEqualTo(402);

    Answer granted = grant("lifted", "{\"amount\": 50, \"reason\": \"launch demo\", \"expires_at\": \"2026-11-10T12:00:30Z\"}");

    assertThat(granted.status()).as(granted.body()).isEqualTo(201);
    assertThat(granted.header("Location")).contains("/overrides/" + granted.json().get("id").asText());
    assertThat(granted.json().get("status").asText()).isEqualTo("active");
    assertThat(given.access("lifted").status()).isEqualTo(200);
    JsonNode during = given.statusJson("lifted");
    assertThat(during.get("override_total").decimalValue()).isEqualByComparingTo("50");
    assertThat(during.get("effective_budget").decimalValue()).isEqualByComparingTo("150");
    assertThat(LITELLM.maxBudgetOf("lifted")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("165"));
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'override.granted' AND tenant_id = 'lifted'")).isEqualTo(1);

    CLOCK.set(Instant.parse("2026-11-10T12:00:30Z")); // within the 60 s cache TTL
    JsonNode after = given.statusJson("lifted");

    assertThat(after.get("source").asText()).as("no write happened: still the cached snapshot").isEqualTo("cache");
    assertThat(after.get("state").asText()).isEqualTo("blocked");
    assertThat(given.access("lifted").status()).isEqualTo(402);

    AdminTasks.resetBudgets(APP);
    assertThat(LITELLM.maxBudgetOf("lifted")).as("the job moved the key back").hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    JsonNode listed = api.get("/v1/tenants/lifted/budget/overrides", TestTokens.VIEWER).json();
    assertThat(listed.at("/overrides/0/status").asText()).isEqualTo("expired");
  }

  @Test
  void aScheduledOverrideCountsFromItsStart() {
    given.tenant("scheduled", "\"max_budget\": 100");

    Answer granted = grant("scheduled",
        "{\"amount\": 25, \"reason\": \"next week\", \"starts_at\": \"2026-11-12T00:00:00Z\", \"expires_at\": \"2026-11-13T00:00:00Z\"}");

    assertThat(granted.json().get("status").asText()).isEqualTo("scheduled");
    assertThat(given.statusJson("scheduled").get("effective_budget").decimalValue()).isEqualByComparingTo("100");
    CLOCK.set(Instant.parse("2026-11-12T00:00:00Z"));
    assertThat(given.statusJson("scheduled").get("effective_budget").decimalValue()).isEqualByComparingTo("125");
    AdminTasks.resetBudgets(APP);
    assertThat(LITELLM.maxBudgetOf("scheduled")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("137.5"));
  }

  @Test
  void revokingAnOverrideTakesItAwayAndIsAudited() throws Exception {
    given.tenant("revoked", "\"max_budget\": 100");
    String id = grant("revoked", "{\"amount\": 40, \"reason\": \"oops\", \"expires_at\": \"2026-12-01T00:00:00Z\"}").json().get("id").asText();

    Answer revoked = api.send("DELETE", "/v1/tenants/revoked/budget/overrides/" + id, TestTokens.ADMIN, null, null);
    Answer again = api.send("DELETE", "/v1/tenants/revoked/budget/overrides/" + id, TestTokens.ADMIN, null, null);
    Answer unknown = api.send("DELETE", "/v1/tenants/revoked/budget/overrides/00000000-0000-0000-0000-000000000000", TestTokens.ADMIN, null, null);
    Answer garbage = api.send("DELETE", "/v1/tenants/revoked/budget/overrides/not-a-uuid", TestTokens.ADMIN, null, null);

    assertThat(revoked.status()).isEqualTo(204);
    assertThat(again.status()).isEqualTo(204);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).isEqualTo("unknown_override");
    assertThat(garbage.status()).isEqualTo(404);
    assertThat(given.statusJson("revoked").get("effective_budget").decimalValue()).isEqualByComparingTo("100");
    assertThat(LITELLM.maxBudgetOf("revoked")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'override.revoked' AND tenant_id = 'revoked'")).isEqualTo(1);
    assertThat(api.get("/v1/tenants/revoked/budget/overrides", TestTokens.VIEWER).json().at("/overrides/0/status").asText())
        .isEqualTo("revoked");
  }

  @Test
  void overrideRequestsAreValidated() {
    given.tenant("picky", "");

    assertThat(fields(grant("picky", "{\"amount\": 0, \"reason\": \"x\", \"expires_at\": \"2026-12-01T00:00:00Z\"}"))).containsExactly("amount");
    assertThat(fields(grant("picky", "{\"amount\": 5, \"reason\": \" \", \"expires_at\": \"2026-12-01T00:00:00Z\"}"))).containsExactly("reason");
    assertThat(fields(grant("picky", "{\"amount\": 5, \"reason\": \"x\", \"expires_at\": \"2026-11-01T00:00:00Z\"}"))).containsExactly("expires_at");
    assertThat(fields(grant("picky", "{\"amount\": 5, \"reason\": \"x\", \"starts_at\": \"2026-11-20T00:00:00Z\", \"expires_at\": \"2026-11-19T00:00:00Z\"}"))).containsExactly("expires_at");
    assertThat(fields(grant("picky", "{\"amount\": 5, \"reason\": \"x\"}"))).containsExactly("expires_at");
    assertThat(fields(grant("picky", "{\"amount\": 5, \"reason\": \"x\", \"expires_at\": \"tomorrow\"}"))).containsExactly("expires_at");
    assertThat(grant("nobody", "{\"amount\": 5, \"reason\": \"x\", \"expires_at\": \"2026-12-01T00:00:00Z\"}").status()).isEqualTo(404);
  }

  @Test
  void eachOverrideFieldIsRefusedAtItsEdgeWithWhatIsWrongAndAcceptedJustInside() throws Exception {
    given.tenant("edgy", "\"max_budget\": 100");
    String later = "\"expires_at\": \"2026-12-01T00:00:00Z\"";

    assertThat(messages(api.send("POST", "/v1/tenants/edgy/budget/overrides", TestTokens.ADMIN, "application/json", "null")))
        .containsExactly("body: must be a JSON object with amount, reason and expires_at");
    assertThat(messages(grant("edgy", "{\"reason\": \"x\", " + later + "}")))
        .containsExactly("amount: is required and must be more than 0 (USD)");
    assertThat(messages(grant("edgy", "{\"amount\": -1, \"reason\": \"x\", " + later + "}")))
        .containsExactly("amount: is required and must be more than 0 (USD)");
    assertThat(messages(grant("edgy", "{\"amount\": 0.001, \"reason\": \"x\", " + later + "}")))
        .containsExactly("amount: must have at most 2 decimal places (USD cents)");
    assertThat(messages(grant("edgy", "{\"amount\": 1000000000.01, \"reason\": \"x\", " + later + "}")))
        .containsExactly("amount: must be at most 1000000000.00 (the amount ceiling)");
    assertThat(messages(grant("edgy", "{\"amount\": 5, " + later + "}")))
        .containsExactly("reason: is required, 1-500 characters");
    assertThat(messages(grant("edgy", "{\"amount\": 5, \"reason\": \"" + "r".repeat(501) + "\", " + later + "}")))
        .containsExactly("reason: is required, 1-500 characters");
    assertThat(messages(grant("edgy", "{\"amount\": 5, \"reason\": \"x\", \"expires_at\": \"" + START + "\"}")))
        .as("expiring now is not in the future").containsExactly("expires_at: must be in the future");
    assertThat(messages(grant("edgy", "{\"amount\": 5, \"reason\": \"x\", \"starts_at\": \"2026-11-20T00:00:00Z\", "
        + "\"expires_at\": \"2026-11-20T00:00:00Z\"}"))).containsExactly("expires_at: must be after starts_at");
    assertThat(given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'edgy'")).as("nothing refused was stored")
        .isZero();

    Answer cents = grant("edgy", "{\"amount\": 0.01, \"reason\": \"" + "r".repeat(500) + "\", "
        + "\"expires_at\": \"" + START.plusSeconds(1) + "\"}");
    Answer trailingZeros = grant("edgy", "{\"amount\": 2.500, \"reason\": \"x\", " + later + "}");

    assertThat(cents.status()).as(cents.body()).isEqualTo(201);
    assertThat(trailingZeros.status()).as("2.500 is 2.50: two places").isEqualTo(201);
    assertThat(given.statusJson("edgy").get("effective_budget").decimalValue()).isEqualByComparingTo("102.51");
  }

  @Test
  void theJobStartsANewPeriodWhenTheOldOneEnds() throws Exception {
    given.tenant("daily", "\"max_budget\": 100, \"budget_duration\": \"1d\"");
    given.spend("daily", "111");
    assertThat(given.access("daily").status()).isEqualTo(402);
    assertThat(AdminTasks.resetBudgets(APP)).as("not due yet").isZero();

    CLOCK.set(Instant.parse("2026-11-11T00:00:05Z"));
    int reset = AdminTasks.resetBudgets(APP);

    assertThat(reset).isGreaterThanOrEqualTo(1);
    assertThat(LITELLM.spendOf("daily")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0"));
    JsonNode s = given.statusJson("daily");
    assertThat(s.get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(s.get("budget_reset_at").asText()).isEqualTo("2026-11-12T00:00:00Z");
    assertThat(given.access("daily").status()).isEqualTo(200);
    assertThat(given.one("SELECT litellm_key_last_reset FROM tenant_configs WHERE tenant_id = 'daily'")).startsWith("2026-11-11 00:00:05");
    assertThat(given.one("SELECT details->>'trigger' || ',' || (details->>'litellm_spend_zeroed') || ',' || actor "
        + "FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'daily'")).isEqualTo("period_end,true,budget-reset-job");
    assertThat(given.one("SELECT details->>'period_ended_at' || ' ' || (details->>'next_reset_at') || ' ' "
        + "|| ((details->>'final_spend')::numeric = 111) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'daily'"))
        .isEqualTo("2026-11-11T00:00:00Z 2026-11-12T00:00:00Z true");
    assertThat(AdminTasks.resetBudgets(APP)).as("nothing due twice").isZero();
  }

  @Test
  void theJobLeavesTheSpendAloneWhenLiteLlmAlreadyReset() throws Exception {
    given.tenant("litellm-first", "\"max_budget\": 100, \"budget_duration\": \"1d\"");
    CLOCK.set(Instant.parse("2026-11-11T00:00:05Z"));
    LITELLM.setBudgetResetAt("litellm-first", Instant.parse("2026-11-12T00:00:00Z"));
    given.spend("litellm-first", "3"); // spent since LiteLLM's own reset

    AdminTasks.resetBudgets(APP);

    assertThat(LITELLM.spendOf("litellm-first")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("3"));
    assertThat(given.one("SELECT details->>'litellm_spend_zeroed' FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'litellm-first'"))
        .isEqualTo("false");
    assertThat(given.one("SELECT budget_reset_at FROM tenant_configs WHERE tenant_id = 'litellm-first'")).startsWith("2026-11-12 00:00:00");
  }

  @Test
  void anAdminCanResetOnDemand() throws Exception {
    given.tenant("manual", "\"max_budget\": 100");
    given.spend("manual", "150");
    assertThat(given.access("manual").status()).isEqualTo(402);

    Answer reset = api.post("/v1/tenants/manual/budget/reset", TestTokens.ADMIN, "");

    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.json().get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(reset.json().get("state").asText()).isEqualTo("ok");
    assertThat(given.access("manual").status()).isEqualTo(200);
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'manual' AND actor = 'test-admin'")).isEqualTo(1);
    assertThat(given.one("SELECT details->>'trigger' || ' ' || coalesce(details->>'period_ended_at', 'none') || ' ' "
        + "|| coalesce(details->>'next_reset_at', 'none') || ' ' || (details->>'litellm_spend_zeroed') || ' ' "
        + "|| ((details->>'final_spend')::numeric = 150) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'manual'"))
        .as("no budget_duration: no period end, no next reset").isEqualTo("on_demand none none true true");
    assertThat(api.post("/v1/tenants/manual/budget/reset", TestTokens.PLATFORM, "").status()).isEqualTo(403);
    assertThat(api.post("/v1/tenants/nobody/budget/reset", TestTokens.ADMIN, "").status()).isEqualTo(404);
  }

  @Test
  void twoResetsAtOnceStartOnePeriod() throws Exception {
    given.tenant("twice", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("twice", "40");
    LITELLM.delay(Duration.ofSeconds(1), 4); // both resets are asking LiteLLM before either commits (2 s or more)
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(two.submit(() -> {
          go.await();
          return api.post("/v1/tenants/twice/budget/reset", TestTokens.ADMIN, "");
        }));
      }
      go.countDown();
      for (Future<Answer> answer : answers) {
        assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    } finally {
      two.shutdownNow();
    }

    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.reset' AND tenant_id = 'twice'"))
        .as("the second found the period already started and recorded nothing").isEqualTo(1);
    assertThat(given.statusJson("twice").get("spend").decimalValue()).isEqualByComparingTo("0");
  }

  @Test
  void onlyOneInstanceRunsTheJobAtATime() throws Exception {
    given.execute("INSERT INTO job_leases (name, holder, expires_at) "
        + "VALUES ('budget-reset-job', 'another-instance', now() + interval '1 minute')");
    assertThat(AdminTasks.resetBudgets(APP)).as("lease held elsewhere").isEqualTo(-1);

    given.execute("UPDATE job_leases SET expires_at = now() - interval '1 second' WHERE name = 'budget-reset-job'");
    assertThat(AdminTasks.resetBudgets(APP)).as("that instance died").isNotNegative();
    assertThat(given.count("SELECT count(*) FROM job_leases WHERE name = 'budget-reset-job'")).as("released").isZero();
  }

  private static Answer grant(String tenantId, String json) {
    return api.post("/v1/tenants/" + tenantId + "/budget/overrides", TestTokens.ADMIN, json);
  }

  private static List<String> messages(Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(422);
    List<String> out = new ArrayList<>();
    answer.json().at("/details/fields").forEach(f -> out.add(f.get("field").asText() + ": " + f.get("message").asText()));
    return out;
  }

  private static List<String> fields(Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(422);
    return answer.json().at("/details/fields").findValuesAsText("field");
  }
}
