package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code budget.failMode: closed}: with no spend known at all, calls are refused with 503. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetFailClosedIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("budget.failMode", "closed"));

  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    CLOCK.set(TestClock.START);
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
  }

  @AfterEach
  void heal() {
    LITELLM.heal();
  }

  @Test
  void noKnownSpendIsRefusedWith503() {
    given.tenant("closed-new", "\"max_budget\": 100");
    LITELLM.dropConnections(-1);

    Answer status = given.status("closed-new");
    Answer access = given.access("closed-new");

    assertThat(status.status()).isEqualTo(503);
    assertThat(status.json().get("error").asText()).isEqualTo("litellm_unavailable");
    assertThat(access.status()).isEqualTo(503);
    assertThat(access.body()).doesNotContain("api_key");
  }

  @Test
  void aRecentSpendStillAnswersStaleInClosedMode() {
    given.tenant("closed-known", "\"max_budget\": 100");
    given.spend("closed-known", "20");
    given.statusJson("closed-known");
    LITELLM.failWith(500, -1);
    CLOCK.advance(Duration.ofSeconds(61));

    Answer access = given.access("closed-known");

    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().at("/budget/source").asText()).isEqualTo("stale");
  }
}
