package io.budgetgate.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The closed model beside Gatling's open one: {@value #WORKERS} clients, each sending its next
 * request as soon as the last answered, for {@link #PHASE} per endpoint, so throughput is the
 * capacity of the service on this machine and not the offered rate. Each endpoint's figure is
 * read as a ratio to the no-op endpoint ({@code GET /v1/ping}) of the same run, timed before and
 * after the others: the ratio cancels how fast the machine happens to be, which on a shared 2-core
 * machine varies threefold from one hour to the next (docs/perf/README.md).
 */
final class SaturationBenchmark {
  static final int WORKERS = 4;
  static final Duration PHASE = Duration.ofSeconds(6);
  static final Duration WARM = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Jdbi's per-statement timers are named after the SQL object's class and method. */
  private static final Pattern SQL_OBJECT = Pattern.compile("^io\\.budgetgate\\..+Dao\\.[^.]+$");
  static final List<String> ENDPOINTS = List.of("noop", "status-cached", "llm-access", "reserve-settle", "status-miss",
      "status-miss-1");

  /** What one request cost the service's dependencies, from its own metrics (over the phase, background jobs included). */
  record Cost(double sqlPerRequest, double litellmPerRequest) {}

  /**
   * Each endpoint's figures (the no-op's: both of its phases together), what each request cost in
   * SQL statements and LiteLLM calls, and the no-op's throughput before and after.
   */
  record Result(Map<String, Load.Figures> figures, Map<String, Cost> costs, double noopBefore, double noopAfter) {
    double noopThroughput() {
      return (noopBefore + noopAfter) / 2;
    }

    /** The endpoint's closed-loop throughput as a share of the no-op's. */
    double ratio(String endpoint) {
      return figures.get(endpoint).throughput() / noopThroughput();
    }

    /** How much the no-op's throughput moved between its two phases (1.0: not at all). */
    double drift() {
      return Math.max(noopBefore, noopAfter) / Math.min(noopBefore, noopAfter);
    }
  }

  private SaturationBenchmark() {}

  static Result run(PerfEnvironment env) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = env.service.baseUrl();
    List<String> tenants = env.tenants.stream().map(t -> t[0]).toList();
    Map<String, Load.Figures> figures = new LinkedHashMap<>();
    Map<String, Cost> costs = new LinkedHashMap<>();
    Metered metered = new Metered(http, env.service.adminUrl(), costs);
    Load.Figures noopBefore = metered.phase("noop", WORKERS, () -> () -> ok(send(http, ping(base))));
    cacheAll(http, base, tenants);
    figures.put("status-cached", metered.phase("status-cached", WORKERS, () -> () -> ok(send(http, budget(base, random(tenants))))));
    cacheAll(http, base, tenants);
    figures.put("llm-access", metered.phase("llm-access", WORKERS, () -> () -> ok(send(http, access(base, random(tenants))))));
    cacheAll(http, base, tenants);
    // one "request" is a hold and, when it was made, its settle: what an agent platform adds around a model call
    figures.put("reserve-settle", metered.phase("reserve-settle", WORKERS, () -> () -> reserveAndSettle(http, base,
        random(tenants))));
    figures.put("status-miss", metered.phase("status-miss", WORKERS, () -> new MissCheck(env, http, tenants)));
    figures.put("status-miss-1", metered.phase("status-miss-1", 1, () -> new MissCheck(env, http, tenants)));
    Load.Figures noopAfter = metered.phase("noop-after", WORKERS, () -> () -> ok(send(http, ping(base))));
    figures.put("noop", both(noopBefore, noopAfter));
    Map<String, Load.Figures> ordered = new LinkedHashMap<>();
    Map<String, Cost> orderedCosts = new LinkedHashMap<>();
    for (String e : ENDPOINTS) {
      ordered.put(e, figures.get(e));
      orderedCosts.put(e, costs.get(e));
    }
    return new Result(ordered, orderedCosts, noopBefore.throughput(), noopAfter.throughput());
  }

  /**
   * Every measured tenant's status read now, {@link #WORKERS} at a time, so the next phase starts
   * with all of them cached (60 s) however long the phases before it took: on a slow host a single
   * priming before the first phase left statuses expiring during the later ones, and the cached
   * phases then counted misses' statements (0.11 and 0.48 a request where 0.001 is the norm).
   */
  private static void cacheAll(HttpClient http, String base, List<String> tenants) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<Integer>> sent = new ArrayList<>();
      for (String tenant : tenants) {
        sent.add(pool.submit(() -> send(http, budget(base, tenant))));
      }
      for (Future<Integer> f : sent) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Phases timed with the service's own counters read before and after: SQL statements (Jdbi's
   * timers, one per SQL object method and {@code sql.raw}, from Dropwizard's JdbiFactory) and
   * LiteLLM calls ({@code litellm.calls}).
   */
  private record Metered(HttpClient http, String adminUrl, Map<String, Cost> costs) {
    Load.Figures phase(String name, int workers, Callable<Load.Request> perWorker) throws Exception {
      long warm = System.nanoTime() + WARM.toNanos();
      Load.closedLoopEach(workers, () -> System.nanoTime() < warm, perWorker);
      long[] before = counters();
      long end = System.nanoTime() + PHASE.toNanos();
      Load.Figures f = Load.closedLoopEach(workers, () -> System.nanoTime() < end, perWorker);
      long[] after = counters();
      costs.put(name, new Cost((after[0] - before[0]) / (double) f.requests(), (after[1] - before[1]) / (double) f.requests()));
      return f;
    }

    private long[] counters() throws Exception {
      JsonNode timers = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body()).path("timers");
      long sql = 0;
      for (var it = timers.fields(); it.hasNext();) {
        var timer = it.next();
        if (timer.getKey().equals("sql.raw") || SQL_OBJECT.matcher(timer.getKey()).matches()) {
          sql += timer.getValue().path("count").asLong();
        }
      }
      return new long[] {sql, timers.path("litellm.calls").path("count").asLong()};
    }
  }

  /** The two no-op phases as one: requests added, latencies the slower phase's (the conservative baseline). */
  private static Load.Figures both(Load.Figures a, Load.Figures b) {
    Load.Figures slower = a.p95() >= b.p95() ? a : b;
    return new Load.Figures(a.requests() + b.requests(), a.failed() + b.failed(), a.seconds() + b.seconds(), slower.p50(),
        slower.p95(), Math.max(a.max(), b.max()));
  }

  private static HttpRequest ping(String base) {
    return authorised(base + "/v1/ping").GET().build();
  }

  private static HttpRequest budget(String base, String tenant) {
    return authorised(base + "/v1/tenants/" + tenant + "/budget").GET().build();
  }

  private static HttpRequest access(String base, String tenant) {
    return authorised(base + "/v1/tenants/" + tenant + "/llm-access").POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  /** Holds $0.01 through llm-access and settles it at $0.008; a refusal (402) is an answer too, with nothing to settle. */
  private static boolean reserveAndSettle(HttpClient http, String base, String tenant) throws Exception {
    HttpResponse<String> held = http.send(json(authorised(base + "/v1/tenants/" + tenant + "/llm-access"),
        "{\"estimated_cost\": \"0.01\"}"), HttpResponse.BodyHandlers.ofString());
    if (held.statusCode() != 200) {
      return held.statusCode() == 402;
    }
    String id = JSON.readTree(held.body()).at("/reservation/id").asText();
    return send(http, json(authorised(base + "/v1/tenants/" + tenant + "/reservations/" + id + "/settle"),
        "{\"actual_cost\": \"0.008\"}")) == 200;
  }

  private static HttpRequest json(HttpRequest.Builder request, String body) {
    return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static HttpRequest.Builder authorised(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TestTokens.PLATFORM)
        .timeout(Duration.ofSeconds(30));
  }

  private static int send(HttpClient http, HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String random(List<String> tenants) {
    return tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
  }

  private static boolean ok(int status) {
    return status == 200 || status == 402;
  }
}
