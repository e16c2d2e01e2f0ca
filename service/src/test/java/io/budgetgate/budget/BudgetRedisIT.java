package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

/**
 * The budget cache on a real Redis that the test stops and starts: no 5xx while it is gone, the
 * outage logged once, Redis used again when it is back.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BudgetRedisIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestRedis.EmbeddedRedis REDIS = TestRedis.startEmbedded();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("redis.url", REDIS.url()), ConfigOverride.config("redis.retryAfter", "2s"));
  /** A second instance on the same database, LiteLLM and Redis. */
  static final DropwizardAppExtension<BudgetGateConfiguration> OTHER = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("redis.url", REDIS.url()), ConfigOverride.config("redis.retryAfter", "2s"));

  static BudgetScenario given;
  static BudgetScenario onOther;
  static CapturedLogs logs;

  @BeforeAll
  static void connect() {
    CLOCK.set(TestClock.START);
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
    onOther = new BudgetScenario(new ApiClient("http://127.0.0.1:" + OTHER.getLocalPort()), LITELLM, DB);
    logs = CapturedLogs.attach();
  }

  @Test
  @Order(2)
  void snapshotsLiveInRedisAndARedisOutageCostsNoAnswer() {
    given.tenant("shared", "\"max_budget\": 100");
    given.spend("shared", "42");
    assertThat(given.statusJson("shared").get("source").asText()).isEqualTo("live");
    URI url = URI.create(REDIS.url());
    try (JedisPooled redis = new JedisPooled(url.getHost(), url.getPort())) {
      assertThat(redis.get("budget:snapshot:shared")).contains("\"tenantId\":\"shared\"").doesNotContain("sk-");
      assertThat(redis.pttl("budget:snapshot:shared")).isBetween(1L, 60_000L);
    }
    assertThat(given.statusJson("shared").get("source").asText()).isEqualTo("cache");

    REDIS.stop();
    given.spend("shared", "43");
    var during = given.statusJson("shared");
    var access = given.access("shared");
    var again = given.statusJson("shared");

    assertThat(during.get("source").asText()).isEqualTo("live");
    assertThat(during.get("spend").decimalValue()).isEqualByComparingTo("43");
    assertThat(access.status()).isEqualTo(200);
    assertThat(again.get("source").asText()).isEqualTo("live");
    assertThat(logs.all()).containsOnlyOnce("is unreachable");

    REDIS.start();
    CLOCK.advance(Duration.ofSeconds(3)); // past redis.retryAfter
    assertThat(given.statusJson("shared").get("source").asText()).isEqualTo("live");
    assertThat(given.statusJson("shared").get("source").asText()).as("Redis in use again").isEqualTo("cache");
    assertThat(logs.all()).contains("answers again");
  }

  /**
   * Runs first: the outage test restarts Redis, and the second instance, whose pooled connections
   * then fail once, would rightly spend its own {@code redis.retryAfter} without Redis.
   */
  @Test
  @Order(1)
  void anInstanceThatHasNotLoadedTheTenantReadsItOnceAndThenSharesTheCachedSnapshot() {
    given.tenant("two-instances", "\"max_budget\": 100");
    given.spend("two-instances", "42");
    assertThat(given.statusJson("two-instances").get("source").asText()).isEqualTo("live");
    given.spend("two-instances", "50");

    var first = onOther.statusJson("two-instances");
    var second = onOther.statusJson("two-instances");
    var back = given.statusJson("two-instances");

    assertThat(first.get("source").asText()).as("the snapshot in Redis is not served before the key is loaded here")
        .isEqualTo("live");
    assertThat(first.get("spend").decimalValue()).isEqualByComparingTo("50");
    assertThat(second.get("source").asText()).isEqualTo("cache");
    assertThat(back.get("source").asText()).as("the first instance serves the snapshot the second one read").isEqualTo("cache");
    assertThat(back.get("spend").decimalValue()).isEqualByComparingTo("50");
    assertThat(onOther.access("two-instances").status()).isEqualTo(200);
  }
}
