package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A budget change reaches the LiteLLM key without any LiteLLM call inside a transaction: it
 * commits its intent (the key marked pending), then tries the key once, and the background sync
 * (the reset job's round) retries until LiteLLM agrees, reading the key back. Each case here ends
 * with the key holding what the database says, without anyone touching it.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeySyncIT {
  static final Instant START = TestClock.START;
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);

  static ApiClient api;
  static ApiClient admin;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    admin = new ApiClient("http://127.0.0.1:" + APP.getAdminPort());
    given = new BudgetScenario(api, LITELLM, DB);
  }

  @AfterEach
  void heal() throws Exception {
    LITELLM.heal();
    given.execute("DROP TRIGGER IF EXISTS fail_on_purpose ON audit_log");
    given.execute("DROP TRIGGER IF EXISTS fail_on_purpose ON tenant_configs");
    CLOCK.set(START.plus(Duration.ofDays(1)));
    syncRound(); // past every backoff: leave no pending key to the next test
  }

  @Test
  void aChangeWhileLiteLlmIsDownIsSavedPendingAndTheSyncBringsTheKeyAlong() throws Exception {
    given.tenant("ks-down", "\"max_budget\": 100");
    LITELLM.failWith(503, -1);

    Answer patched = given.patch("ks-down", "{\"max_budget\": 300}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("block_at").decimalValue()).isEqualByComparingTo("330");
    assertThat(patched.json().get("litellm_sync").asText()).isEqualTo("pending");
    assertThat(given.one("SELECT max_budget FROM tenant_configs WHERE tenant_id = 'ks-down'")).isEqualTo("300.00");
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE action = 'budget.updated' AND tenant_id = 'ks-down'"))
        .isEqualTo(1);
    assertThat(given.count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'ks-down' "
        + "AND litellm_sync_pending_since IS NOT NULL")).isEqualTo(1);
    assertThat(gauge("litellm.sync.pending")).isPositive();

    assertThat(syncRound()).as("LiteLLM still down: nothing synced").isZero();
    assertThat(given.one("SELECT litellm_sync_attempts || ' ' || litellm_sync_error FROM tenant_configs "
        + "WHERE tenant_id = 'ks-down'")).startsWith("1 ").contains("503");
    LITELLM.heal();
    assertThat(syncRound()).as("within its backoff (5 s): not tried again yet").isZero();
    CLOCK.set(START.plusSeconds(6));
    assertThat(syncRound()).isEqualTo(1);

    assertThat(LITELLM.maxBudgetOf("ks-down")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("330"));
    assertThat(given.statusJson("ks-down").get("litellm_sync").asText()).isEqualTo("synced");
    assertThat(given.one("SELECT litellm_synced_max_budget FROM tenant_configs WHERE tenant_id = 'ks-down'"))
        .isEqualTo("330.0000");
  }

  @Test
  void aChangeWhileLiteLlmHangsAnswersAfterOneReadAndTheKeyFollowsOnceLiteLlmIsBack() throws Exception {
    given.tenant("ks-hung", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    int updatesBefore = LITELLM.callCount("/key/update");
    LITELLM.delay(Duration.ofSeconds(30), -1);
    long started = System.nanoTime();

    Answer patched = given.patch("ks-hung", "{\"max_budget\": 200, \"budget_duration\": \"7d\"}");

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("litellm_sync").asText()).isEqualTo("pending");
    assertThat(LITELLM.callCount("/key/update")).as("LiteLLM did not answer the read: no write is tried")
        .isEqualTo(updatesBefore);
    assertThat(tookMillis).as("one read within litellm.decisionTimeout, not the write's retries (3 x 2.5 s)")
        .isLessThan(2_500);

    LITELLM.heal();
    CLOCK.set(START.plusSeconds(1));
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-hung")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(LITELLM.budgetDurationOf("ks-hung")).as("the pending duration went with it").contains("7d");
  }

  @Test
  void whenTheChangeCannotBeAuditedNothingReachesLiteLlmAndKeyAndDatabaseAgree() throws Exception {
    given.tenant("ks-audit", "\"max_budget\": 100");
    failInserts("audit_log", "NEW.tenant_id = 'ks-audit'");

    Answer patched = given.patch("ks-audit", "{\"max_budget\": 500}");
    Answer granted = api.post("/v1/tenants/ks-audit/budget/overrides", TestTokens.ADMIN,
        "{\"amount\": 50, \"reason\": \"launch\", \"expires_at\": \"2026-12-01T00:00:00Z\"}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(500);
    assertThat(granted.status()).as(granted.body()).isEqualTo(500);
    assertThat(given.one("SELECT max_budget FROM tenant_configs WHERE tenant_id = 'ks-audit'")).isEqualTo("100.00");
    assertThat(given.count("SELECT count(*) FROM budget_overrides WHERE tenant_id = 'ks-audit'")).isZero();
    assertThat(LITELLM.maxBudgetOf("ks-audit")).as("the key still holds what the database says")
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    assertThat(given.count("SELECT count(*) FROM tenant_configs WHERE tenant_id = 'ks-audit' "
        + "AND litellm_sync_pending_since IS NULL AND litellm_synced_max_budget = 110")).isEqualTo(1);
  }

  @Test
  void aKeyLiteLlmTookButWhoseSyncCouldNotBeRecordedIsConfirmedByTheNextRound() throws Exception {
    given.tenant("ks-mark", "\"max_budget\": 100");
    // LiteLLM takes the write; recording it fails (the database refuses the synced mark)
    given.execute("""
        CREATE OR REPLACE FUNCTION fail_on_purpose() RETURNS trigger AS $$
        BEGIN
          IF NEW.tenant_id = 'ks-mark' AND NEW.litellm_sync_pending_since IS NULL
             AND OLD.litellm_sync_pending_since IS NOT NULL THEN
            RAISE EXCEPTION 'refused on purpose by KeySyncIT';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""");
    given.execute("CREATE TRIGGER fail_on_purpose BEFORE UPDATE ON tenant_configs FOR EACH ROW EXECUTE FUNCTION fail_on_purpose()");

    Answer patched = given.patch("ks-mark", "{\"max_budget\": 250}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("litellm_sync").asText()).isEqualTo("pending");
    assertThat(LITELLM.maxBudgetOf("ks-mark")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("275"));
    assertThat(syncRound()).as("the mark still fails").isZero();

    given.execute("DROP TRIGGER fail_on_purpose ON tenant_configs");
    CLOCK.set(START.plusSeconds(6));
    assertThat(syncRound()).isEqualTo(1);
    assertThat(given.statusJson("ks-mark").get("litellm_sync").asText()).isEqualTo("synced");
    assertThat(given.one("SELECT litellm_synced_max_budget FROM tenant_configs WHERE tenant_id = 'ks-mark'"))
        .isEqualTo("275.0000");
  }

  @Test
  void aKeyChangedInLiteLlmBehindBudgetGatesBackIsFoundByTheReconcilerAndWrittenBack() throws Exception {
    given.tenant("ks-drift", "\"max_budget\": 100");
    String rawKey = TestKeys.open("ks-drift", given.one("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = 'ks-drift'"));
    HttpResponse<String> loosened = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(LITELLM.baseUrl() + "/key/update"))
        .header("Authorization", "Bearer " + TestTokens.LITELLM_MASTER_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"" + rawKey + "\", \"max_budget\": 100000}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(loosened.statusCode()).as(loosened.body()).isEqualTo(200);
    long before = APP.getEnvironment().metrics().counter("litellm.sync.drift_found").getCount();

    AdminTasks.reconcile(APP);

    assertThat(APP.getEnvironment().metrics().counter("litellm.sync.drift_found").getCount()).isEqualTo(before + 1);
    assertThat(given.statusJson("ks-drift").get("litellm_sync").asText()).isEqualTo("pending");
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-drift")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
  }

  @Test
  void aKeyPendingLongerThanTheAlarmFailsTheHealthCheckNamingTheTenant() throws Exception {
    given.tenant("ks-late", "\"max_budget\": 100");
    LITELLM.failWith(503, -1);
    assertThat(given.patch("ks-late", "{\"max_budget\": 120}").status()).isEqualTo(200);
    syncRound(); // fails, and says why

    JsonNode early = admin.get("/healthcheck", null).json();
    CLOCK.set(START.plus(Duration.ofMinutes(6)));
    JsonNode late = admin.get("/healthcheck", null).json();

    assertThat(early.at("/litellm-sync/healthy").asBoolean()).as(early.toString()).isTrue();
    assertThat(early.at("/litellm-sync/message").asText()).contains("ks-late");
    assertThat(late.at("/litellm-sync/healthy").asBoolean()).as(late.toString()).isFalse();
    assertThat(late.at("/litellm-sync/message").asText()).contains("ks-late").contains("360 s").contains("503");
    assertThat(gauge("litellm.sync.oldest_pending_seconds")).isGreaterThanOrEqualTo(360);
  }

  @Test
  void aPeriodResetWhoseCommitFailsIsRecordedByTheNextRoundWithoutZeroingAgain() throws Exception {
    given.tenant("ks-reset", "\"max_budget\": 100, \"budget_duration\": \"1d\"");
    given.spend("ks-reset", "80");
    CLOCK.set(Instant.parse("2026-11-11T00:00:05Z"));
    failInserts("audit_log", "NEW.tenant_id = 'ks-reset' AND NEW.action = 'budget.reset'");

    AdminTasks.resetBudgets(APP);

    assertThat(LITELLM.spendOf("ks-reset")).as("LiteLLM took the zeroing").hasValueSatisfying(
        v -> assertThat(v).isEqualByComparingTo("0"));
    assertThat(given.one("SELECT coalesce(litellm_key_last_reset::text, 'none') FROM tenant_configs "
        + "WHERE tenant_id = 'ks-reset'")).as("the commit failed").isEqualTo("none");
    given.spend("ks-reset", "3"); // the new period's first spend must survive the repair
    given.execute("DROP TRIGGER fail_on_purpose ON audit_log");

    AdminTasks.resetBudgets(APP);

    assertThat(given.one("SELECT details->>'litellm_spend_zeroed' FROM audit_log WHERE action = 'budget.reset' "
        + "AND tenant_id = 'ks-reset'")).isEqualTo("false");
    assertThat(given.one("SELECT budget_reset_at FROM tenant_configs WHERE tenant_id = 'ks-reset'"))
        .startsWith("2026-11-12 00:00:00");
    assertThat(LITELLM.spendOf("ks-reset")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("3"));
  }

  @Test
  void aWriteThatLandsAfterANewerChangeLeavesTheKeyPendingNeverSyncedWithTheOlderValue() throws Exception {
    given.tenant("ks-race", "\"max_budget\": 100");
    LITELLM.failWith(503, -1);
    assertThat(given.patch("ks-race", "{\"max_budget\": 200}").json().get("litellm_sync").asText()).isEqualTo("pending");
    LITELLM.heal();
    // this sync attempt has read its target (block_at 220); before its write reaches LiteLLM, a
    // newer change commits and syncs (block_at 330); then the older write lands on top of it
    LiteLlmClient overtaken = new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()) {
      private boolean once;

      @Override
      public void updateKeyNow(KeyUpdate update, Duration within) {
        if (!once) {
          once = true;
          assertThat(given.patch("ks-race", "{\"max_budget\": 300}").json().get("litellm_sync").asText()).isEqualTo("synced");
        }
        super.updateKeyNow(update, within);
      }
    };
    Jdbi jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    BudgetRowMappers.register(jdbi, new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS)));
    KeyBudgetSync late = new KeyBudgetSync(jdbi, overtaken, new MissingKeys(new MetricRegistry()), CLOCK,
        Duration.ofSeconds(1), new MetricRegistry());

    assertThat(late.afterChange("ks-race")).as("overtaken: not done").isFalse();

    assertThat(LITELLM.maxBudgetOf("ks-race")).as("the older write landed last").hasValueSatisfying(
        v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(given.one("SELECT (litellm_sync_pending_since IS NOT NULL) || ' ' || coalesce(litellm_synced_max_budget::text, "
        + "'unknown') FROM tenant_configs WHERE tenant_id = 'ks-race'")).as("never 'synced' with 220 in LiteLLM")
        .isEqualTo("true unknown");
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-race")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("330"));
    assertThat(given.statusJson("ks-race").get("litellm_sync").asText()).isEqualTo("synced");
  }

  private void failInserts(String table, String condition) throws Exception {
    given.execute("CREATE OR REPLACE FUNCTION fail_on_purpose() RETURNS trigger AS $$ BEGIN IF " + condition
        + " THEN RAISE EXCEPTION 'refused on purpose by KeySyncIT'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
    given.execute("CREATE TRIGGER fail_on_purpose BEFORE INSERT ON " + table
        + " FOR EACH ROW EXECUTE FUNCTION fail_on_purpose()");
  }

  private static int syncRound() {
    return AdminTasks.syncKeys(APP);
  }

  private static long gauge(String name) {
    return ((Number) APP.getEnvironment().metrics().getGauges().get(name).getValue()).longValue();
  }
}
