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
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code /key/info} whose spend is not a finite number (LiteLLM's column is a Float that is never
 * null, so any of these is a fault) is a failed read: it never reads as $0, which answered a tenant
 * at 120 % with {@code 200 allowed, source: live}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OddSpendIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);

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

  /** {@code /key/info} as LiteLLM shapes it, with this text in place of the spend ({@code MISSING}: no field). */
  static String keyInfoWithSpend(String spend) {
    String spendField = spend.equals("MISSING") ? "" : "\"spend\": " + spend + ", ";
    return "{\"key\": \"sk-as-sent\", \"info\": {\"key_name\": \"sk-...odd1\", \"key_alias\": \"odd\", " + spendField
        + "\"max_budget\": 110.0, \"budget_duration\": null, \"budget_reset_at\": null, \"metadata\": {}}}";
  }

  @ParameterizedTest(name = "spend {0}")
  @ValueSource(strings = {"\"abc\"", "\"NaN\"", "null", "true", "MISSING", "NaN"})
  void aBlockedTenantStaysRefusedWhatEverLiteLlmSendsAsSpend(String spend) {
    String tenant = "odd-blocked-" + Math.abs(spend.hashCode() % 10_000);
    given.tenant(tenant, "\"max_budget\": 100");
    given.spend(tenant, "120");
    assertThat(given.access(tenant).status()).as("blocked while LiteLLM answers properly").isEqualTo(402);
    long badBefore = APP.getEnvironment().metrics().counter("litellm.bad_answers").getCount();
    LITELLM.respondWith(200, keyInfoWithSpend(spend), -1);
    CLOCK.advance(Duration.ofSeconds(61)); // past the 60 s status cache

    Answer access = given.access(tenant);

    assertThat(access.status()).as(access.body()).isEqualTo(402);
    assertThat(access.json().at("/details/source").asText()).isEqualTo("stale");
    assertThat(access.json().at("/details/spend").decimalValue()).isEqualByComparingTo("120");
    if (!spend.equals("NaN")) { // a bare NaN is not JSON at all: an unreadable answer, not a bad spend
      assertThat(APP.getEnvironment().metrics().counter("litellm.bad_answers").getCount()).isGreaterThan(badBefore);
    }
  }

  @ParameterizedTest(name = "spend {0}")
  @ValueSource(strings = {"\"abc\"", "\"NaN\"", "null", "true", "MISSING"})
  void withNoKnownSpendATenantIsLetThroughOnlyAsDegradedUnderFailOpen(String spend) {
    String tenant = "odd-new-" + Math.abs(spend.hashCode() % 10_000);
    given.tenant(tenant, "\"max_budget\": 100");
    given.spend(tenant, "120"); // what LiteLLM really holds; the answer below hides it
    LITELLM.respondWith(200, keyInfoWithSpend(spend), -1);

    Answer access = given.access(tenant);

    assertThat(access.status()).as(access.body()).isEqualTo(200);
    assertThat(access.json().at("/budget/source").asText()).isEqualTo("unavailable");
    assertThat(access.json().at("/budget/degraded").asBoolean()).isTrue();
    assertThat(access.json().at("/budget/spend").isNull()).as("never a spend of 0").isTrue();
  }
}
