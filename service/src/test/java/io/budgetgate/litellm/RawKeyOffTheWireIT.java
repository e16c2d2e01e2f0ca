package io.budgetgate.litellm;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM accepts a key's SHA-256 hash wherever it takes a key, so BudgetGate names keys by it:
 * after every flow that calls LiteLLM with a key (a check, PATCH, an override, a reset, a
 * reconciler round), no query string LiteLLM received holds the raw key; the raw key still
 * reaches the one caller that must have it, in llm-access's 200.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RawKeyOffTheWireIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  @Test
  void noQueryStringCarriesARawKeyAndLlmAccessStillHandsItOut() throws Exception {
    ApiClient api = new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
    BudgetScenario given = new BudgetScenario(api, LITELLM, DB);
    given.tenant("wire", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    given.spend("wire", "20");
    String rawKey = TestKeys.open("wire", given.one("SELECT litellm_virtual_key FROM tenant_configs WHERE tenant_id = 'wire'"));
    String hash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = 'wire'");

    assertThat(given.statusJson("wire").get("source").asText()).isEqualTo("live");
    assertThat(given.patch("wire", "{\"max_budget\": 150}").status()).isEqualTo(200);
    assertThat(api.post("/v1/tenants/wire/budget/overrides", TestTokens.ADMIN,
        "{\"amount\": 10, \"reason\": \"demo\", \"expires_at\": \"2099-01-01T00:00:00Z\"}").status()).isEqualTo(201);
    assertThat(api.post("/v1/tenants/wire/budget/reset", TestTokens.ADMIN, "").status()).isEqualTo(200);
    AdminTasks.reconcile(APP);
    ApiClient.Answer access = api.post("/v1/tenants/wire/llm-access", TestTokens.PLATFORM, "");

    List<String> seen = LITELLM.queriesSeen();
    assertThat(seen).as("the flows read keys").anyMatch(q -> q.equals("/key/info?key=" + hash));
    assertThat(seen).noneMatch(q -> q.contains(rawKey)).noneMatch(q -> q.contains("sk-"));
    assertThat(LITELLM.maxBudgetOf("wire")).as("updates found the key by its hash")
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("176"));
    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().get("api_key").asText()).isEqualTo(rawKey);
  }
}
