package io.budgetgate.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Budget checks while LiteLLM hangs, then while it answers 500, with every cached status emptied
 * first (the worst case: each check must ask LiteLLM, or the breaker): the first check's latency,
 * then a closed loop (fixed concurrency, as fast as answers come) of checks over the seeded tenants,
 * then how long after LiteLLM returns a live answer comes back.
 */
final class BreakerBenchmark {
  /** One fault's figures. */
  record Result(String fault, double firstMillis, int requests, int failed, double seconds, double p50, double p95,
      double max, double recoverySeconds) {
    double throughput() {
      return (requests - failed) / seconds;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private BreakerBenchmark() {}

  static Result run(PerfEnvironment env, String fault, int workers, Duration length) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = env.service.baseUrl();
    List<String> tenants = env.tenants.stream().map(t -> t[0]).toList();
    emptyStatusCache(env.redisUrl);
    if (fault.equals("hang")) {
      env.litellm.delay(Duration.ofSeconds(30), -1);
    } else {
      env.litellm.failWith(500, -1);
    }
    try {
      long first = System.nanoTime();
      get(http, base, tenants.get(0));
      double firstMillis = (System.nanoTime() - first) / 1e6;
      long deadline = System.nanoTime() + length.toNanos();
      Load.Figures loop = Load.closedLoop(workers, () -> System.nanoTime() < deadline, () -> {
        int status = get(http, base, tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()))).statusCode();
        return status == 200 || status == 402;
      });
      env.litellm.heal();
      double recovery = recoverySeconds(http, base, tenants.get(1));
      return new Result(fault, firstMillis, loop.requests(), loop.failed(), loop.seconds(), loop.p50(), loop.p95(), loop.max(),
          recovery);
    } finally {
      env.litellm.heal();
    }
  }

  /** Seconds until a check answers from LiteLLM again (-1 if not within 60 s). */
  private static double recoverySeconds(HttpClient http, String base, String tenant) throws Exception {
    long healed = System.nanoTime();
    while (System.nanoTime() - healed < Duration.ofSeconds(60).toNanos()) {
      HttpResponse<String> answer = get(http, base, tenant);
      if ("live".equals(JSON.readTree(answer.body()).path("source").asText())) {
        return (System.nanoTime() - healed) / 1e9;
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /** Deletes every cached status snapshot (never the last known spends): each next check must read its spend. */
  private static void emptyStatusCache(String redisUrl) {
    try (Jedis redis = new Jedis(URI.create(redisUrl))) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, new ScanParams().match("budget:snapshot:*").count(1000));
        if (!page.getResult().isEmpty()) {
          redis.del(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }

  private static HttpResponse<String> get(HttpClient http, String base, String tenant) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/budget"))
        .header("Authorization", "Bearer " + TestTokens.PLATFORM).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
