package io.budgetgate.contract;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/** BudgetGate's API verified against the agent platform's pact, on real PostgreSQL. */
@Provider(Contracts.BUDGETGATE_API)
@PactFolder("pacts")
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetGateApiProviderIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  // each state sets a new spend in LiteLLM: answer every check live
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM,
      ConfigOverride.config("budget.cacheTtl", "1ms"));

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new HttpTestTarget("127.0.0.1", APP.getLocalPort()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void honoursThePlatformsContract(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @State(Contracts.ACME_SPEND_50)
  void acmeAt50() {
    acmeWithSpend("50.00");
  }

  @State(Contracts.ACME_SPEND_105)
  void acmeAt105() {
    acmeWithSpend("105.00");
  }

  @State(Contracts.ACME_SPEND_115)
  void acmeAt115() {
    acmeWithSpend("115.00");
  }

  private static void acmeWithSpend(String spend) {
    ApiClient.Answer created = new ApiClient("http://127.0.0.1:" + APP.getLocalPort()).post("/v1/tenants", TestTokens.ADMIN,
        "{\"tenant_id\": \"acme\", \"name\": \"Acme\", \"max_budget\": 100, \"budget_duration\": \"30d\"}");
    if (created.status() != 201 && created.status() != 409) {
      throw new IllegalStateException("cannot create tenant acme: " + created.body());
    }
    LITELLM.setSpend("acme", new BigDecimal(spend));
  }
}
