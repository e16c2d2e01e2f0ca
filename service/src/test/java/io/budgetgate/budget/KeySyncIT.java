package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.secrets.SecretBox;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
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
    assertThat(new BigDecimal(given.one("SELECT details->>'litellm_max_budget' FROM audit_log WHERE action = 'budget.updated' "
        + "AND tenant_id = 'ks-down'"))).as("the audit names the block_at the key must take").isEqualByComparingTo("330");
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
    CapturedLogs logs = CapturedLogs.attach();
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-hung")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(LITELLM.budgetDurationOf("ks-hung")).as("the pending duration went with it").contains("7d");
    assertThat(logs.lines()).contains("INFO io.budgetgate.budget.KeyBudgetSync: tenant ks-hung: the LiteLLM key holds "
        + "max_budget 220 again (budget and duration pending since " + START + ")");
  }

  @Test
  void aBudgetOnlyChangeLeavesLiteLlmsResetDateAlone() throws Exception {
    given.tenant("ks-dated", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    Instant litellmResets = LITELLM.budgetResetAtOf("ks-dated").orElseThrow();
    CLOCK.set(START.plus(Duration.ofDays(2)));

    Answer patched = given.patch("ks-dated", "{\"max_budget\": 300}");

    assertThat(patched.json().get("litellm_sync").asText()).as(patched.body()).isEqualTo("synced");
    assertThat(LITELLM.maxBudgetOf("ks-dated")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("330"));
    assertThat(LITELLM.budgetResetAtOf("ks-dated")).as("LiteLLM recomputes budget_reset_at whenever budget_duration is sent "
        + "(reference/litellm-api.md §1): a budget change must not send it").contains(litellmResets);
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
    loosen("ks-drift");
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
    Direct late = direct(overtaken);

    assertThat(late.sync().afterChange("ks-race")).as("overtaken: not done").isFalse();
    assertThat(late.count("litellm.sync.overtaken")).isEqualTo(1);
    assertThat(late.count("litellm.sync.synced")).isZero();

    assertThat(LITELLM.maxBudgetOf("ks-race")).as("the older write landed last").hasValueSatisfying(
        v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(given.one("SELECT (litellm_sync_pending_since IS NOT NULL) || ' ' || coalesce(litellm_synced_max_budget::text, "
        + "'unknown') FROM tenant_configs WHERE tenant_id = 'ks-race'")).as("never 'synced' with 220 in LiteLLM")
        .isEqualTo("true unknown");
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-race")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("330"));
    assertThat(given.statusJson("ks-race").get("litellm_sync").asText()).isEqualTo("synced");
  }

  @Test
  void aQuickAttemptThatLandsMarksTheKeySyncedAndItsKeyPresentAndLogsNothing() throws Exception {
    given.tenant("ks-lands", "\"max_budget\": 100");
    pendingAfterAnOutage("ks-lands", "{\"max_budget\": 200}");
    Direct quick = direct(new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()));
    quick.missing().missing("ks-lands", START); // found missing before: a call that works says it is back
    CapturedLogs logs = CapturedLogs.attach();

    assertThat(quick.sync().afterChange("ks-lands")).isTrue();

    assertThat(quick.count("litellm.sync.synced")).isEqualTo(1);
    assertThat(quick.count("litellm.sync.failed") + quick.count("litellm.sync.overtaken")).isZero();
    assertThat(quick.missing().now()).doesNotContainKey("ks-lands");
    assertThat(LITELLM.maxBudgetOf("ks-lands")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(given.one("SELECT (litellm_sync_pending_since IS NULL) || ' ' || litellm_synced_max_budget FROM tenant_configs "
        + "WHERE tenant_id = 'ks-lands'")).isEqualTo("true 220.0000");
    assertThat(logs.all()).as("only the background sync says a key is back").doesNotContain("ks-lands");

    int updates = LITELLM.callCount("/key/update");
    assertThat(quick.sync().inBackground("ks-lands")).as("nothing pending: done").isTrue();
    assertThat(quick.sync().afterChange("ks-unknown")).as("no such tenant: nothing to do").isTrue();
    assertThat(LITELLM.callCount("/key/update")).as("neither wrote the key").isEqualTo(updates);
  }

  @Test
  void aQuickAttemptThatFailsIsLeftToTheNextRoundWithoutBackoffOrWarning() throws Exception {
    given.tenant("ks-quick", "\"max_budget\": 100");
    pendingAfterAnOutage("ks-quick", "{\"max_budget\": 200}");
    Direct quick = direct(new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()));
    CapturedLogs logs = CapturedLogs.attach();
    LITELLM.failWith(503, -1);

    assertThat(quick.sync().afterChange("ks-quick")).isFalse();

    assertThat(quick.count("litellm.sync.failed")).isEqualTo(1);
    assertThat(given.one("SELECT litellm_sync_attempts || ' ' || (litellm_sync_next_at = '" + START + "') FROM tenant_configs "
        + "WHERE tenant_id = 'ks-quick'")).as("counted, due again now").isEqualTo("1 true");
    assertThat(logs.all()).doesNotContain("ks-quick");
    LITELLM.heal();
    assertThat(syncRound()).as("the next round, with the clock unmoved").isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-quick")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("220"));
  }

  @Test
  void aBackgroundWriteThatReadsBackAnotherAmountStaysPendingWaitsItsBackoffAndSaysWhy() throws Exception {
    given.tenant("ks-back", "\"max_budget\": 100");
    pendingAfterAnOutage("ks-back", "{\"max_budget\": 200}");
    // someone else writes the key between BudgetGate's write and its read-back
    LiteLlmClient secondWriter = new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()) {
      @Override
      public void updateKey(KeyUpdate update) {
        super.updateKey(update);
        loosen("ks-back");
      }
    };
    Direct background = direct(secondWriter);
    CapturedLogs logs = CapturedLogs.attach();

    assertThat(background.sync().inBackground("ks-back")).isFalse();

    assertThat(background.count("litellm.sync.failed")).isEqualTo(1);
    assertThat(background.count("litellm.sync.synced")).isZero();
    assertThat(given.one("SELECT litellm_sync_attempts || ' ' || litellm_sync_error FROM tenant_configs WHERE tenant_id = 'ks-back'"))
        .isEqualTo("1 LiteLLM took the update but reads back max_budget 100000 instead of 220");
    assertThat(given.one("SELECT (litellm_sync_next_at = '" + START.plusSeconds(5) + "')::text FROM tenant_configs "
        + "WHERE tenant_id = 'ks-back'")).as("a background failure backs off 5 s").isEqualTo("true");
    assertThat(logs.lines()).contains("WARN io.budgetgate.budget.KeyBudgetSync: tenant ks-back: the LiteLLM key is still behind "
        + "(pending since " + START + ", 1 attempts): LiteLLM took the update but reads back max_budget 100000 instead of 220; "
        + "retried with backoff");
    assertThat(syncRound()).as("within its backoff").isZero();
    CLOCK.set(START.plusSeconds(6));
    assertThat(syncRound()).isEqualTo(1);
    assertThat(LITELLM.maxBudgetOf("ks-back")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("220"));
    assertThat(logs.lines()).contains("INFO io.budgetgate.budget.KeyBudgetSync: tenant ks-back: the LiteLLM key holds "
        + "max_budget 220 again (budget pending since " + START + ")");
  }

  @Test
  void aKeyLiteLlmNoLongerHasIsNamedMissingWithTheTaskThatRepairsIt() throws Exception {
    given.tenant("ks-gone", "\"max_budget\": 100");
    Direct direct = direct(new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()));
    BudgetRow row = direct.jdbi().withExtension(BudgetDao.class, dao -> dao.find("ks-gone")).orElseThrow();
    direct.missing().missing("ks-gone", START);
    assertThat(direct.sync().requireKey(row, "nothing changed")).isTrue();
    assertThat(direct.missing().now()).as("the key answered: present again").doesNotContainKey("ks-gone");
    LITELLM.failWith(503, -1);
    assertThat(direct.sync().requireKey(row, "nothing changed")).as("LiteLLM did not answer").isFalse();
    LITELLM.heal();
    pendingAfterAnOutage("ks-gone", "{\"max_budget\": 200}");
    LITELLM.deleteKey("ks-gone");

    assertThatThrownBy(() -> direct.sync().requireKey(row, "nothing changed")).isInstanceOf(ServiceException.class)
        .hasMessageContaining("ks-gone").hasMessageContaining("nothing changed");
    assertThat(direct.missing().now()).containsKey("ks-gone");
    direct.missing().present("ks-gone");
    assertThat(direct.sync().inBackground("ks-gone")).isFalse();

    assertThat(direct.missing().now()).containsKey("ks-gone");
    assertThat(given.one("SELECT litellm_sync_error FROM tenant_configs WHERE tenant_id = 'ks-gone'"))
        .as("LiteLLM answers an unknown key with 401 auth_error (reference/litellm-api.md)")
        .isEqualTo("LiteLLM has no such key (401 auth_error); re-provision it: POST /tasks/reprovision-litellm-key?tenant_id=ks-gone");
    given.execute("UPDATE tenant_configs SET litellm_sync_pending_since = NULL WHERE tenant_id = 'ks-gone'"); // leave no pending key behind
  }

  @Test
  void aListedAmountOnlyMarksTheKeyPendingWhenItIsReallyAnotherAmountOfTheSameChange() throws Exception {
    given.tenant("ks-listed", "\"max_budget\": 100");
    long generation = Long.parseLong(given.one("SELECT litellm_sync_generation FROM tenant_configs WHERE tenant_id = 'ks-listed'"));
    Direct reconciler = direct(new LiteLlmClient(APP.getConfiguration().getLitellm(), new ObjectMapper()));

    assertThat(reconciler.sync().checkListed("ks-listed", generation, new BigDecimal("110"), new BigDecimal("110.00004")))
        .as("LiteLLM's float of 110").isFalse();
    assertThat(reconciler.sync().checkListed("ks-listed", generation + 1, new BigDecimal("110"), new BigDecimal("500")))
        .as("a newer change came in between").isFalse();
    assertThat(reconciler.count("litellm.sync.drift_found")).isZero();
    assertThat(given.statusJson("ks-listed").get("litellm_sync").asText()).isEqualTo("synced");

    assertThat(reconciler.sync().checkListed("ks-listed", generation, null, new BigDecimal("500"))).isTrue();

    assertThat(reconciler.count("litellm.sync.drift_found")).isEqualTo(1);
    assertThat(given.one("SELECT (litellm_sync_pending_since IS NOT NULL) || ' ' || litellm_sync_error FROM tenant_configs "
        + "WHERE tenant_id = 'ks-listed'")).isEqualTo("true LiteLLM listed the key with max_budget 500 where BudgetGate last wrote none");
  }

  /** The tenant's change committed while LiteLLM was down: its key is pending, no attempt made yet. */
  private static void pendingAfterAnOutage(String tenantId, String patch) throws Exception {
    LITELLM.failWith(503, -1);
    Answer patched = given.patch(tenantId, patch);
    LITELLM.heal();
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(given.one("SELECT litellm_sync_attempts || ' ' || (litellm_sync_pending_since IS NOT NULL) FROM tenant_configs "
        + "WHERE tenant_id = '" + tenantId + "'")).isEqualTo("0 true");
  }

  /** Writes max_budget 100000 to the tenant's key straight through LiteLLM's API, behind BudgetGate's back. */
  private static void loosen(String tenantId) {
    try {
      String rawKey = TestKeys.open(tenantId, given.one("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = '"
          + tenantId + "'"));
      HttpResponse<String> loosened = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(LITELLM.baseUrl() + "/key/update"))
          .header("Authorization", "Bearer " + TestTokens.LITELLM_MASTER_KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"" + rawKey + "\", \"max_budget\": 100000}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(loosened.statusCode()).as(loosened.body()).isEqualTo(200);
    } catch (Exception e) {
      throw new AssertionError("could not write the key behind BudgetGate's back", e);
    }
  }

  /** A key sync of its own on the app's database, with its own counters and missing-key list. */
  private record Direct(KeyBudgetSync sync, MetricRegistry metrics, MissingKeys missing, Jdbi jdbi) {
    long count(String counter) {
      return metrics.counter(counter).getCount();
    }
  }

  private static Direct direct(LiteLlmClient client) {
    Jdbi jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    BudgetRowMappers.register(jdbi, new VirtualKeys(SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS)));
    MetricRegistry metrics = new MetricRegistry();
    MissingKeys missing = new MissingKeys(metrics);
    return new Direct(new KeyBudgetSync(jdbi, client, missing, CLOCK, Duration.ofSeconds(1), metrics), metrics, missing, jdbi);
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
