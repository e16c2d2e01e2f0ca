package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant whose LiteLLM key was deleted outside BudgetGate: LiteLLM answers {@code /key/update}
 * with a 401 {@code auth_error} after its own retries and {@code /key/info} with a 404. Either is
 * {@code litellm_key_missing}: answered within seconds, changing nothing, visible in the health
 * check and the metrics, and repaired by the admin task.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeyMissingIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  static BudgetScenario given;
  static ApiClient admin;

  @BeforeAll
  static void connect() {
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
    admin = new ApiClient("http://127.0.0.1:" + APP.getAdminPort());
  }

  @Test
  void aBudgetChangeForADeletedKeyIsLiteLlmKeyMissingWithinSecondsAndChangesNothing() throws Exception {
    given.tenant("km-patch", "\"max_budget\": 100");
    LITELLM.deleteKey("km-patch");
    long started = System.nanoTime();

    Answer patch = given.patch("km-patch", "{\"max_budget\": 200}");

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(patch.status()).as(patch.body()).isEqualTo(409);
    assertThat(patch.json().get("error").asText()).isEqualTo("litellm_key_missing");
    assertThat(patch.json().get("message").asText()).contains("km-patch").contains("reprovision-litellm-key")
        .doesNotContain("sk-");
    assertThat(tookMillis).as("one read of the key before anything is written, none of our retries").isLessThan(5_000);
    assertThat(given.one("SELECT max_budget::text FROM tenant_configs WHERE tenant_id = 'km-patch'")).isEqualTo("100.00");
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'km-patch' AND action = 'budget.updated'")).isZero();
    assertThat(LITELLM.callCount("/key/info")).as("the key is read before the change").isPositive();
    JsonNode health = admin.get("/healthcheck", null).json();
    assertThat(health.at("/litellm-keys/healthy").asBoolean()).isFalse();
    assertThat(health.at("/litellm-keys/message").asText()).contains("km-patch");
    assertThat(APP.getEnvironment().metrics().counter("litellm.key_missing").getCount()).isPositive();
  }

  @Test
  void aCheckForADeletedKeyIsRefusedAsKeyMissingNeverFailOpen() {
    given.tenant("km-check", "\"max_budget\": 100");
    LITELLM.deleteKey("km-check");

    Answer status = given.status("km-check");
    Answer access = given.access("km-check");

    assertThat(status.status()).isEqualTo(409);
    assertThat(status.json().get("error").asText()).isEqualTo("litellm_key_missing");
    assertThat(access.status()).isEqualTo(409);
    assertThat(access.body()).doesNotContain("api_key");
  }

  @Test
  void theAdminTaskGivesTheTenantANewKeyThatCarriesItsSpendAndBudget() throws Exception {
    given.tenant("km-repair", "\"max_budget\": 100");
    given.spend("km-repair", "64.5");
    assertThat(given.statusJson("km-repair").get("spend").decimalValue()).isEqualByComparingTo("64.5");
    String oldHash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = 'km-repair'");
    LITELLM.deleteKey("km-repair");
    assertThat(given.patch("km-repair", "{\"alert_threshold\": 70}").status()).isEqualTo(409);

    Answer repaired = admin.post("/tasks/reprovision-litellm-key?tenant_id=km-repair", null, "");

    assertThat(repaired.json().get("outcome").asText()).as(repaired.body()).isEqualTo("reprovisioned");
    assertThat(repaired.body()).doesNotContain(LITELLM.tokenOf("km-repair").orElseThrow()).doesNotMatch("(?s).*sk-[A-Za-z0-9_-]{8,}.*");
    assertThat(LITELLM.spendOf("km-repair").orElseThrow()).isEqualByComparingTo("64.5");
    assertThat(LITELLM.maxBudgetOf("km-repair").orElseThrow()).isEqualByComparingTo("110.00");
    String newHash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = 'km-repair'");
    assertThat(newHash).isNotEqualTo(oldHash).isEqualTo(LITELLM.tokenOf("km-repair").orElseThrow());
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'km-repair' AND action = 'tenant.key_reprovisioned'"))
        .isEqualTo(1);
    Answer patched = given.patch("km-repair", "{\"alert_threshold\": 70}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    JsonNode status = patched.json(); // the status read right after the change: live, from the new key
    assertThat(status.get("source").asText()).isEqualTo("live");
    assertThat(status.get("spend").decimalValue()).isEqualByComparingTo("64.5");
    assertThat(admin.get("/healthcheck", null).json().at("/litellm-keys/message").asText()).doesNotContain("km-repair");
    Answer byNewToken = new Webhooks("http://127.0.0.1:" + APP.getLocalPort()).send(
        "{\"spend\": 75, \"event\": \"threshold_crossed\", \"event_group\": \"key\", \"token\": \"" + newHash + "\"}");
    assertThat(byNewToken.json().get("status").asText()).isEqualTo("accepted");
  }

  @Test
  void theAdminTaskRefusesWhileTheKeyStillExists() {
    given.tenant("km-present", "\"max_budget\": 100");

    Answer refused = admin.post("/tasks/reprovision-litellm-key?tenant_id=km-present", null, "");
    Answer unknown = admin.post("/tasks/reprovision-litellm-key?tenant_id=km-nobody", null, "");

    assertThat(refused.json().get("outcome").asText()).isEqualTo("refused");
    assertThat(refused.json().get("error").asText()).isEqualTo("litellm_key_present");
    assertThat(unknown.json().get("error").asText()).isEqualTo("unknown_tenant");
    assertThat(LITELLM.keyCount()).isPositive();
  }
}
