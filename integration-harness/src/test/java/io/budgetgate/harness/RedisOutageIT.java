package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.Webhooks;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Redis stopped mid-run and started again, under a running BudgetGate. */
class RedisOutageIT {
  static TestRedis.EmbeddedRedis redis;
  static Harness harness;
  static ServiceProcess budgetgate;

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.startEmbedded();
    harness = new Harness(redis.url());
    budgetgate = harness.start();
  }

  @AfterAll
  static void stop() throws Exception {
    budgetgate.close();
    harness.close();
    redis.stop();
  }

  @Test
  void s10_checksAndWebhooksKeepWorkingNotificationsGoOutOnceAndRedisIsUsedAgain() {
    Timeline t = new Timeline("10. Redis stopped mid-run -> checks and webhooks work, one notification -> Redis back -> used again");
    ApiClient api = budgetgate.api();
    Webhooks webhooks = new Webhooks(budgetgate.baseUrl());
    harness.tenant(api, "red-ten", "\"max_budget\": 100");
    harness.spend("red-ten", "50");
    assertThat(api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM).status()).isEqualTo(200);
    assertThat(snapshotInRedis("red-ten")).isTrue();
    t.step("snapshot cached in Redis");

    redis.stop();
    t.step("Redis stopped");
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM).status()).isEqualTo(200);
    }
    var answer = webhooks.send(Webhooks.event("threshold_crossed", "85", "red-ten"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("notified").asBoolean()).isTrue();
    Eventually.await("the email", Duration.ofSeconds(15), () -> harness.mailsFor("red-ten").size() == 1);
    t.step("checks 200, webhook 200, exactly one email, while Redis is down");

    redis.start();
    t.step("Redis started again");
    Eventually.await("BudgetGate writing to Redis again (after redis.retryAfter)", Duration.ofSeconds(20), () -> {
      api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM);
      return snapshotInRedis("red-ten");
    });
    assertThat(harness.mailsFor("red-ten")).hasSize(1);
    assertThat(budgetgate.output()).contains("is unreachable").contains("answers again");
    t.step("snapshot back in Redis; the outage and the recovery are in the log");
    t.done();
  }

  private static boolean snapshotInRedis(String tenant) {
    URI url = URI.create(redis.url());
    try (JedisPooled jedis = new JedisPooled(url.getHost(), url.getPort())) {
      return jedis.exists("budget:snapshot:" + tenant);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
