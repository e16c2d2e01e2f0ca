package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.Webhooks;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Redis stopped mid-run and started again, under a running BudgetGate. The dedup TTL is the shipped
 * 3600 s, so no expiry can explain a count: a second copy of an alert can only come from a dedup
 * that forgot it.
 */
class RedisOutageIT {
  static TestRedis.EmbeddedRedis redis;
  static Harness harness;
  static ServiceProcess budgetgate;

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.startEmbedded();
    harness = new Harness(redis.url());
    Map<String, String> timings = Harness.shortTimings();
    timings.put("alerts.dedupTtl", "3600s");
    budgetgate = harness.start(timings);
  }

  @AfterAll
  static void stop() throws Exception {
    budgetgate.close();
    harness.close();
    redis.stop();
  }

  @Test
  void s10_decisionsHoldAndEachLevelNotifiesOnceAcrossTheOutageAndAfterIt() throws Exception {
    Timeline t = new Timeline("10. Redis stopped mid-run -> decisions hold, 5 concurrent critical webhooks -> one email "
        + "-> Redis back -> the same level again -> still one");
    ApiClient api = budgetgate.api();
    Webhooks webhooks = new Webhooks(budgetgate.baseUrl());
    harness.tenant(api, "red-ten", "\"max_budget\": 200");
    harness.tenant(api, "red-blk", "\"max_budget\": 100");
    harness.spendKnown(api, "red-ten", "170");
    harness.spendKnown(api, "red-blk", "115");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "170", "red-ten")).status()).isEqualTo(200);
    awaitDrained("red-ten");
    assertThat(mails("red-ten", "budget warning")).isEqualTo(1);
    // the webhook dropped the cached snapshot and the harness's budget.cacheTtl is 1 s: a check
    // caches it again, and it is looked for until one check has put it there
    Eventually.await("a snapshot of red-ten cached in Redis", Duration.ofSeconds(10), () -> {
      api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM);
      return snapshotInRedis("red-ten");
    });
    t.step("warning (85 % of 200) emailed once; snapshot cached in Redis");

    redis.stop();
    t.step("Redis stopped");
    for (int i = 0; i < 3; i++) {
      Answer ten = api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM);
      assertThat(ten.status()).isEqualTo(200);
      assertThat(ten.json().get("state").asText()).isEqualTo("warning");
      assertThat(ten.json().get("percent_used").decimalValue()).isEqualByComparingTo("85.00");
      Answer blk = api.get("/v1/tenants/red-blk/budget", Harness.PLATFORM);
      assertThat(blk.status()).as(blk.body()).isEqualTo(200);
      assertThat(blk.json().get("state").asText()).isEqualTo("blocked");
      assertThat(blk.json().get("allowed").asBoolean()).isFalse();
    }
    Answer access = api.post("/v1/tenants/red-ten/llm-access", Harness.PLATFORM, "");
    assertThat(access.status()).as(access.body()).isEqualTo(200);
    assertThat(access.json().get("api_key").asText()).startsWith("sk-");
    assertThat(api.post("/v1/tenants/red-blk/llm-access", Harness.PLATFORM, "").status()).isEqualTo(402);
    t.step("while Redis is down: red-ten warning 85.00 %, red-blk blocked (not allowed), llm-access 200 / 402");

    harness.spend("red-ten", "205");
    List<Answer> answers;
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<Answer>> sent = IntStream.range(0, 5)
          .mapToObj(i -> pool.submit(() -> webhooks.send(Webhooks.event("threshold_crossed", "205", "red-ten"))))
          .toList();
      answers = sent.stream().map(RedisOutageIT::get).toList();
    } finally {
      pool.shutdownNow();
    }
    assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
    awaitDrained("red-ten");
    assertThat(mails("red-ten", "budget used up")).isEqualTo(1);
    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'red-ten' AND level = 'critical' "
        + "AND NOT notification_suppressed")).isEqualTo(1);
    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'red-ten' AND level = 'critical' "
        + "AND source = 'webhook'")).isEqualTo(5);
    t.step("5 concurrent critical webhooks (102.5 %) while Redis is down: 5 alerts stored, 1 notified, exactly 1 email");

    redis.start();
    t.step("Redis started again");
    Eventually.await("BudgetGate writing to Redis again (after redis.retryAfter)", Duration.ofSeconds(20), () -> {
      api.get("/v1/tenants/red-ten/budget", Harness.PLATFORM);
      return snapshotInRedis("red-ten");
    });
    Answer again = webhooks.send(Webhooks.event("threshold_crossed", "206", "red-ten"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("notified").asBoolean()).as(again.body()).isFalse();
    awaitDrained("red-ten");
    assertThat(mails("red-ten", "budget used up")).isEqualTo(1);
    assertThat(mails("red-ten", "budget warning")).isEqualTo(1);
    assertThat(budgetgate.output()).contains("is unreachable").contains("answers again")
        .contains("deduplicated in PostgreSQL instead");
    t.step("Redis back (it never saw the outage's claim): a critical webhook is a duplicate; 1 warning + 1 critical email");
    t.done();
  }

  private void awaitDrained(String tenant) {
    Eventually.await(tenant + "'s outbox drained", Duration.ofSeconds(20), () -> harness.count(
        "SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND status <> 'sent'") == 0);
  }

  private long mails(String tenant, String title) {
    return harness.mailsFor(tenant).stream().filter(m -> Harness.subject(m).contains(title)).count();
  }

  private static Answer get(Future<Answer> answer) {
    try {
      return answer.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
