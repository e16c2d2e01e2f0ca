package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reconciler reads spend in pages of LiteLLM's key list, one call per hundred keys, and finds
 * the crossing of the last tenant; only a tenant whose key the list does not show costs a
 * {@code /key/info} of its own. Counted at the simulator: no other LiteLLM traffic runs meanwhile.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReconcilerPagesIT {
  static final int TENANTS = 2_501;
  /** Created through the API (a real key each); the rest are inserted with their keys, as the API would leave them. */
  static final int THROUGH_THE_API = 20;
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  static BudgetScenario given;

  @BeforeAll
  static void seed() throws Exception {
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < THROUGH_THE_API; i++) {
      String tenant = String.format("page-%04d", i);
      created.add(pool.submit(() -> given.tenant(tenant, "\"max_budget\": 100")));
    }
    for (Future<?> f : created) {
      f.get();
    }
    pool.shutdown();
    given.insertTenants("""
        INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key, max_budget,
                                    litellm_synced_max_budget, created_at, updated_at)
        SELECT 'page-' || lpad(i::text, 4, '0'), 'Page tenant ' || i, 'page-' || lpad(i::text, 4, '0'),
               encode(sha256(convert_to('sk-page-' || i, 'UTF8')), 'hex'), 'sk-page-' || i, 100, 110, now(), now()
          FROM generate_series(%d, %d) AS i""".formatted(THROUGH_THE_API, TENANTS - 1));
    for (int i = THROUGH_THE_API; i < TENANTS; i++) {
      LITELLM.createKey("sk-page-" + i, String.format("page-%04d", i), new BigDecimal("110"), null, BigDecimal.ZERO);
    }
  }

  private static int runRound() {
    return AdminTasks.reconcile(APP);
  }

  @Test
  void aRoundReadsPagesNotOneKeyPerTenantAndFindsTheLastTenantsCrossing() throws Exception {
    given.spend("page-2500", "85");
    given.spend("page-1250", "112");
    given.spend("page-0007", "90");
    int lists = LITELLM.callCount("/key/list");
    int infos = LITELLM.callCount("/key/info");

    int raised = runRound();

    assertThat(LITELLM.callCount("/key/list") - lists).as("2,501 keys, 100 a page").isEqualTo(26);
    assertThat(LITELLM.callCount("/key/info") - infos).as("every key was on a page").isZero();
    assertThat(raised).isEqualTo(3);
    assertThat(given.one("SELECT level || ',' || spend || ',' || source FROM budget_alert_history WHERE tenant_id = 'page-2500'"))
        .as("the last tenant's crossing").isEqualTo("warning,85.000000,reconciler");
    assertThat(given.one("SELECT level FROM budget_alert_history WHERE tenant_id = 'page-1250'")).isEqualTo("blocked");
    assertThat(given.one("SELECT level FROM budget_alert_history WHERE tenant_id = 'page-0007'")).isEqualTo("warning");
    assertThat(given.count("SELECT count(DISTINCT tenant_id) FROM spend_samples WHERE tenant_id LIKE 'page-%'"))
        .as("a sample for every tenant from the pages").isEqualTo(TENANTS);
    assertThat(APP.getEnvironment().metrics().getGauges().get("alerts.reconciler.litellm_reads").getValue()).isEqualTo(26L);
  }

  @Test
  void withLiteLlmUnreachableTheRoundStopsInsteadOfAskingForEveryKeyOneByOne() {
    int infos = LITELLM.callCount("/key/info");
    long unreachable = APP.getEnvironment().metrics().counter("alerts.reconciler.litellm_unreachable").getCount();
    LITELLM.failWith(503, -1);
    try {
      assertThat(runRound()).isZero();
    } finally {
      LITELLM.heal();
    }

    assertThat(LITELLM.callCount("/key/info") - infos).as("no per-tenant reads").isZero();
    assertThat(APP.getEnvironment().metrics().counter("alerts.reconciler.litellm_unreachable").getCount())
        .isEqualTo(unreachable + 1);
  }

  @Test
  void theAdminTaskRunsARoundNowAndSaysWhatItDidOrThatAnotherInstanceIsRunningOne() throws Exception {
    ApiClient admin = new ApiClient("http://127.0.0.1:" + APP.getAdminPort());

    ApiClient.Answer ran = admin.post("/tasks/reconcile", null, "");
    given.execute("INSERT INTO job_leases (name, holder, expires_at) "
        + "VALUES ('alert-reconciler', 'another-instance', now() + interval '1 minute')");
    ApiClient.Answer skipped = admin.post("/tasks/reconcile", null, "");
    given.execute("DELETE FROM job_leases WHERE name = 'alert-reconciler'");

    assertThat(ran.status()).as(ran.body()).isEqualTo(200);
    assertThat(ran.json().get("outcome").asText()).isEqualTo("ran");
    assertThat(ran.json().get("tenants").asInt()).isGreaterThanOrEqualTo(TENANTS);
    assertThat(ran.json().get("litellm_reads").asInt()).as("26 pages, and a key the list misses").isBetween(26, 27);
    assertThat(ran.json().get("seconds").asDouble()).isPositive();
    assertThat(skipped.json().get("outcome").asText()).isEqualTo("skipped");
    assertThat(skipped.json().get("message").asText()).contains("job_leases");
  }

  @Test
  void aTenantTheListDoesNotShowIsReadOnItsOwnAndSkippedWhenItsKeyIsGone() throws Exception {
    given.tenant("page-gone", "\"max_budget\": 100");
    LITELLM.deleteKey("page-gone");
    int infos = LITELLM.callCount("/key/info");
    long skipped = APP.getEnvironment().metrics().counter("alerts.reconciler.skipped").getCount();

    runRound();

    assertThat(LITELLM.callCount("/key/info") - infos).as("only the tenant missing from the list").isEqualTo(1);
    assertThat(APP.getEnvironment().metrics().counter("alerts.reconciler.skipped").getCount()).isEqualTo(skipped + 1);
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'page-gone'")).isZero();
  }
}
