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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
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

  /** A hold made through llm-access itself; its id goes into the consumer's settle and release paths. */
  @State(Contracts.ACME_HOLDS_042)
  Map<String, Object> acmeHolding() {
    acmeWithSpend("50.00");
    ApiClient.Answer held = api().post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM, "{\"estimated_cost\": \"0.42\"}");
    if (held.status() != 200) {
      throw new IllegalStateException("cannot hold 0.42 for acme: " + held.body());
    }
    return Map.of("reservationId", held.json().at("/reservation/id").asText());
  }

  /** Tenant acme with this spend in LiteLLM and no reservation left from an earlier interaction. */
  private static void acmeWithSpend(String spend) {
    ApiClient.Answer created = api().post("/v1/tenants", TestTokens.ADMIN,
        "{\"tenant_id\": \"acme\", \"name\": \"Acme\", \"max_budget\": 100, \"budget_duration\": \"30d\"}");
    if (created.status() != 201 && created.status() != 409) {
      throw new IllegalStateException("cannot create tenant acme: " + created.body());
    }
    try (Connection c = DB.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM budget_reservations WHERE tenant_id = 'acme'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot clear acme's reservations", e);
    }
    LITELLM.setSpend("acme", new BigDecimal(spend));
  }

  private static ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + APP.getLocalPort());
  }
}
