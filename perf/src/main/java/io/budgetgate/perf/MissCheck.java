package io.budgetgate.perf;

import io.budgetgate.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;

/**
 * One closed-loop worker's budget check that misses the cache: a random tenant's cached status is
 * deleted first (its own Redis connection), so the check reads PostgreSQL and LiteLLM. 200 and
 * 402 are expected answers.
 */
final class MissCheck implements Load.Request, AutoCloseable {
  private final HttpClient http;
  private final String base;
  private final List<String> tenants;
  private final Jedis redis;

  MissCheck(PerfEnvironment env, HttpClient http, List<String> tenants) {
    this.http = http;
    this.base = env.service.baseUrl();
    this.tenants = tenants;
    this.redis = new Jedis(URI.create(env.redisUrl));
  }

  @Override
  public boolean send() throws Exception {
    String tenant = tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
    redis.del("budget:snapshot:" + tenant);
    int status = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/budget"))
        .header("Authorization", "Bearer " + TestTokens.PLATFORM).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    return status == 200 || status == 402;
  }

  @Override
  public void close() {
    redis.close();
  }
}
