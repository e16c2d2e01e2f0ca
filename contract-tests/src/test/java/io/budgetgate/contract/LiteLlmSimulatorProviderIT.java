package io.budgetgate.contract;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The LiteLLM simulator verified against the pact BudgetGate's client wrote: the simulator cannot
 * drift from what the client expects (and so from what the tests relying on it assume).
 */
@Provider(Contracts.LITELLM)
@PactFolder("pacts")
class LiteLlmSimulatorProviderIT {
  static final LiteLlmSimulator SIMULATOR = TestApps.simulator();

  @AfterAll
  static void stop() {
    SIMULATOR.stop();
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new HttpTestTarget("127.0.0.1", SIMULATOR.port()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void honoursTheClientsContract(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @State(Contracts.NO_KEY_FOR_ACME)
  void noKeyForAcme() {
    SIMULATOR.clearKeys();
  }

  @State(Contracts.ACME_AT_85)
  void acmeAt85() {
    SIMULATOR.clearKeys();
    SIMULATOR.createKey(Contracts.ACME_KEY, "acme", new BigDecimal("110.00"), "30d", new BigDecimal("85.00"));
  }

  @State(Contracts.ACME_OVER)
  void acmeOverBudget() {
    SIMULATOR.clearKeys();
    SIMULATOR.createKey(Contracts.ACME_KEY, "acme", new BigDecimal("110.00"), "30d", new BigDecimal("125.50"));
  }
}
