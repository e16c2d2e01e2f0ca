package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BudgetGate's period end and LiteLLM's agree: a tenant's {@code budget_reset_at} is the moment
 * LiteLLM's own reset job zeroes the key's spend. The simulator computes it with a calendar of its
 * own (written from LiteLLM's source), so a BudgetGate calendar bug shows here; this test found
 * one ({@code 5h} at 22:30 reset at midnight instead of 01:00).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PeriodAgreementIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM);
  static final AtomicInteger TENANTS = new AtomicInteger();

  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
  }

  @ParameterizedTest(name = "{1} created at {0}")
  @CsvSource({
      "2026-12-01T10:17:42Z, 1d", "2026-12-01T10:17:42Z, 2d", "2026-12-01T10:17:42Z, 7d", "2026-12-01T10:17:42Z, 1w",
      "2026-12-07T00:00:00Z, 1w", "2026-12-01T10:17:42Z, 2w", "2026-12-01T10:17:42Z, 30d", "2026-12-31T23:59:59Z, 1mo",
      "2026-12-01T10:17:42Z, 12h", "2026-12-01T22:30:00Z, 5h", "2026-12-01T22:00:00Z, 7h", "2026-12-01T10:17:42Z, 90m",
      "2026-12-01T10:45:00Z, 30m", "2026-12-01T10:17:50Z, 45s", "2026-12-01T23:59:59Z, 1h"})
  void aTenantsPeriodEndsWhenLiteLlmResetsItsKey(String at, String duration) throws Exception {
    CLOCK.set(Instant.parse(at));
    String tenant = "period-" + TENANTS.incrementAndGet();

    given.tenant(tenant, "\"max_budget\": 100, \"budget_duration\": \"" + duration + "\"");

    Instant ours = Instant.parse(given.one("SELECT to_char(budget_reset_at AT TIME ZONE 'UTC', "
        + "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM tenant_configs WHERE tenant_id = '" + tenant + "'"));
    assertThat(ours).isEqualTo(LITELLM.budgetResetAtOf(tenant).orElseThrow());
  }
}
