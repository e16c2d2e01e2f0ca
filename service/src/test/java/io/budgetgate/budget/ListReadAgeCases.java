package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.TestApplication;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The reconciler reads LiteLLM's key list when its round starts and works through the tenants
 * page by page afterwards (in production spread over 30 s). What it read is as old as the list:
 * a spend a budget check read meanwhile, or a reset done meanwhile, must win over it.
 *
 * <p>The gap is made, not waited for: the test holds a lock on {@code spend_samples}, so the
 * round stops after its first page (the samples are its last step for a page) with the second
 * page still to do; the test then reads or resets a tenant of that page and lets the round go on.
 * Run on the in-process cache ({@link ListReadAgeIT}) and on Redis ({@link ListReadAgeRedisIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ListReadAgeCases {
  /** Filler tenants that sort before the tenants under test, so those are on the round's second page. */
  private static final int FILLERS = 100;

  private final DropwizardAppExtension<BudgetGateConfiguration> app;
  private final LiteLlmSimulator litellm;
  private final TestPostgres.Database db;
  /** Prefix of this class's tenants: the Redis a CI run shares is not emptied between classes. */
  private final String prefix;

  ListReadAgeCases(DropwizardAppExtension<BudgetGateConfiguration> app, LiteLlmSimulator litellm, TestPostgres.Database db,
      String prefix) {
    this.app = app;
    this.litellm = litellm;
    this.db = db;
    this.prefix = prefix;
  }

  private BudgetScenario given() {
    return new BudgetScenario(new ApiClient("http://127.0.0.1:" + app.getLocalPort()), litellm, db);
  }

  private BudgetGateApplication.Wired features() {
    return ((TestApplication) app.getApplication()).features();
  }

  @BeforeAll
  void fillTheFirstPage() throws Exception {
    String p = prefix;
    given().insertTenants("""
        INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key, max_budget,
                                    litellm_synced_max_budget, created_at, updated_at)
        SELECT '%1$sa-' || lpad(i::text, 3, '0'), 'Filler ' || i, '%1$sa-' || lpad(i::text, 3, '0'),
               encode(sha256(convert_to('sk-%1$s' || i, 'UTF8')), 'hex'), 'sk-%1$s' || i, 100, 110, now(), now()
          FROM generate_series(0, %2$d) AS i""".formatted(p, FILLERS - 1));
    for (int i = 0; i < FILLERS; i++) {
      litellm.createKey("sk-" + p + i, String.format("%sa-%03d", p, i), new BigDecimal("110"), null, BigDecimal.ZERO);
    }
  }

  @Test
  void aSpendACheckReadWhileTheRoundWorkedThroughItsPagesIsNotReplacedByTheListsOlderOne() throws Exception {
    String tenant = prefix + "z-checked";
    given().tenant(tenant, "\"max_budget\": 100");
    given().spend(tenant, "50");

    CompletableFuture<Integer> round = roundHeldAfterItsFirstPage(() -> {
      given().spend(tenant, "120"); // the list the round holds says 50
      JsonNode checked = given().statusJson(tenant);
      assertThat(checked.get("source").asText()).isEqualTo("live");
      assertThat(checked.get("spend").decimalValue()).isEqualByComparingTo("120");
    });
    round.get(30, TimeUnit.SECONDS);

    JsonNode after = given().statusJson(tenant);
    assertThat(after.get("source").asText()).as("the check's snapshot").isEqualTo("cache");
    assertThat(after.get("spend").decimalValue()).as("the list read 50 before the check read 120").isEqualByComparingTo("120");
    assertThat(after.get("allowed").asBoolean()).isFalse();

    features().budgets().invalidate(tenant); // as when the snapshot expires
    litellm.failWith(503, -1);
    try {
      JsonNode stale = given().statusJson(tenant);
      assertThat(stale.get("source").asText()).isEqualTo("stale");
      assertThat(stale.get("spend").decimalValue()).as("the last known spend is the newest read, not the last stored")
          .isEqualByComparingTo("120");
      assertThat(given().access(tenant).status()).isEqualTo(402);
    } finally {
      litellm.heal();
    }
    assertThat(given().one("SELECT string_agg(spend::text, ',' ORDER BY sampled_at) FROM spend_samples WHERE tenant_id = '"
        + tenant + "'")).as("the round's sample, as of its list").isEqualTo("50.0000");
  }

  @Test
  void aResetDoneWhileTheRoundWorkedThroughItsPagesKeepsTheOldPeriodsSpendOutOfTheNewPeriod() throws Exception {
    String tenant = prefix + "z-reset";
    given().tenant(tenant, "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given().spend(tenant, "120");

    CompletableFuture<Integer> round = roundHeldAfterItsFirstPage(() -> {
      ApiClient.Answer reset = new ApiClient("http://127.0.0.1:" + app.getLocalPort())
          .post("/v1/tenants/" + tenant + "/budget/reset", TestTokens.ADMIN, "");
      assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    });
    round.get(30, TimeUnit.SECONDS);

    JsonNode after = given().statusJson(tenant);
    assertThat(after.get("spend").decimalValue()).as("the list's 120 was the old period's").isEqualByComparingTo("0");
    assertThat(after.get("allowed").asBoolean()).isTrue();
    assertThat(given().count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'"))
        .as("no alert of the new period from the old period's spend").isZero();
    assertThat(given().count("SELECT count(*) FROM spend_samples s JOIN tenant_configs t USING (tenant_id) WHERE s.tenant_id = '"
        + tenant + "' AND s.period_start = t.litellm_key_last_reset AND s.spend > 0"))
        .as("no sample of the new period with the old period's spend").isZero();
  }

  /**
   * Runs a reconciler round that stops after its first page until {@code meanwhile} has run: the
   * test's transaction holds {@code spend_samples} in SHARE mode, which the round's sample insert waits for.
   */
  private CompletableFuture<Integer> roundHeldAfterItsFirstPage(ThrowingRunnable meanwhile) throws Exception {
    try (Connection lock = db.connect(); Statement s = lock.createStatement()) {
      lock.setAutoCommit(false);
      s.execute("LOCK TABLE spend_samples IN SHARE MODE");
      CompletableFuture<Integer> round = CompletableFuture.supplyAsync(() -> AdminTasks.reconcile(app));
      try {
        Eventually.await("the round waiting on spend_samples after its first page", Duration.ofSeconds(20),
            () -> waitingOnSpendSamples() > 0);
        meanwhile.run();
      } finally {
        lock.rollback();
      }
      return round;
    }
  }

  private long waitingOnSpendSamples() {
    try {
      return given().count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND wait_event_type = 'Lock' AND query ILIKE '%spend_samples%'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
