package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** REDIS_URL points at a port where nothing listens: the service starts and answers anyway. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetRedisDownIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("redis.url", "redis://127.0.0.1:" + closedPort()));

  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    CLOCK.set(TestClock.START);
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
  }

  @Test
  void decisionsWorkWithoutRedis() {
    given.tenant("no-redis", "\"max_budget\": 100");
    given.spend("no-redis", "120");

    assertThat(given.statusJson("no-redis").get("state").asText()).isEqualTo("blocked");
    assertThat(given.access("no-redis").status()).isEqualTo(402);
    assertThat(given.patch("no-redis", "{\"max_budget\": 200}").status()).isEqualTo(200);
    assertThat(given.access("no-redis").status()).isEqualTo(200);
    assertThat(APP.getEnvironment().metrics().getGauges().get("cache.redis.available").getValue()).isEqualTo(0);
  }

  @Test
  void alertsNotifyOnceWhenTheDedupStoreIsDown() throws Exception {
    given.tenant("no-redis-alert", "\"max_budget\": 100, \"notification_emails\": [\"ops@no-redis.test\"]");
    Webhooks webhooks = new Webhooks("http://127.0.0.1:" + APP.getLocalPort());
    long now = CLOCK.instant().getEpochSecond();

    var first = webhooks.send("msg_nr_1", now, Webhooks.event("threshold_crossed", "85", "no-redis-alert"));
    var second = webhooks.send("msg_nr_2", now, Webhooks.event("threshold_crossed", "86", "no-redis-alert"));
    var critical = webhooks.send("msg_nr_3", now, Webhooks.event("threshold_crossed", "101", "no-redis-alert"));

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("notified").asBoolean()).as("the first alert of a level notifies without Redis").isTrue();
    assertThat(second.json().get("notified").asBoolean()).as("the same level again: a duplicate, from PostgreSQL").isFalse();
    assertThat(critical.json().get("notified").asBoolean()).as("a higher level is not a duplicate").isTrue();
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'no-redis-alert' "
        + "AND suppression_reason = 'duplicate'")).isEqualTo(1);
    assertThat(given.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'no-redis-alert'")).isEqualTo(2);
  }

  private static int closedPort() {
    try {
      return TestRedis.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
