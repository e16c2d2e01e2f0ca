package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateApplication;
import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A service stopped with notifications still queued delivers them after it starts again. */
class OutboxRestartIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();

  @BeforeAll
  static void fromEmpty() {
    TestApps.emptyTables(DB); // empty already, unless PIT runs the class again in this JVM
    LITELLM.reset();
  }

  @Test
  void pendingRowsSurviveARestartAndAreDelivered() throws Exception {
    DropwizardTestSupport<BudgetGateConfiguration> first = app(TestRedis.freePort()); // nothing listens there
    first.before();
    BudgetScenario given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + first.getLocalPort()), LITELLM, DB);
    try {
      given.tenant("survivor", "\"max_budget\": 100, \"notification_emails\": [\"ops@survivor.test\"]");
      new Webhooks("http://127.0.0.1:" + first.getLocalPort()).send(Webhooks.event("budget_crossed", "120", "survivor"));
      Eventually.await("a failed delivery attempt", Duration.ofSeconds(10), () -> count(given,
          "SELECT count(*) FROM notification_outbox WHERE tenant_id = 'survivor' AND status = 'pending' AND attempts >= 1") == 1);
    } finally {
      first.after();
    }
    assertThat(count(given, "SELECT count(*) FROM notification_outbox WHERE tenant_id = 'survivor' AND status = 'pending'")).isEqualTo(1);

    try (Mailbox smtp = new Mailbox()) {
      DropwizardTestSupport<BudgetGateConfiguration> second = app(smtp.port());
      second.before();
      try {
        Eventually.await("the queued mail after the restart", Duration.ofSeconds(15), () -> !smtp.messages().isEmpty());
        assertThat(smtp.messages().get(0).getSubject()).contains("survivor").contains("blocked");
        Eventually.await("the row marked sent", Duration.ofSeconds(10), () -> count(given,
            "SELECT count(*) FROM notification_outbox WHERE tenant_id = 'survivor' AND status = 'sent'") == 1);
      } finally {
        second.after();
      }
    }
  }

  private static DropwizardTestSupport<BudgetGateConfiguration> app(int smtpPort) {
    return new DropwizardTestSupport<>(BudgetGateApplication.class, TestApps.configPath(),
        ConfigOverride.config("database.url", DB.url()),
        ConfigOverride.config("database.user", DB.user()),
        ConfigOverride.config("database.password", DB.password()),
        ConfigOverride.config("litellm.baseUrl", LITELLM.baseUrl()),
        ConfigOverride.config("notifications.smtp.host", "127.0.0.1"),
        ConfigOverride.config("notifications.smtp.port", String.valueOf(smtpPort)),
        ConfigOverride.config("notifications.retryBackoff[0]", "1s"));
  }

  private static long count(BudgetScenario given, String sql) {
    try {
      return given.count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
