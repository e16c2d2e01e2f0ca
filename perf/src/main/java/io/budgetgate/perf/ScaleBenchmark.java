package io.budgetgate.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestTokens;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * BudgetGate at {@value #TENANTS} tenants with LiteLLM answering every call {@link #LITELLM_DELAY}
 * late (it reads PostgreSQL): fills the database to that many tenants, every one with its key in
 * the simulator (so the reconciler's key list covers them all), then measures budget checks idle,
 * one reconciler round (started with the admin task {@code POST /tasks/reconcile}) with the same
 * checks running beside it, the heap after the round (after {@code POST /tasks/gc}), and the
 * dashboard overview. Cached checks (on the seeded tenants, their status read just before) run
 * twice: at a fixed rate of {@value #CACHED_RATE}/s (open model, timed from when each was due, so
 * a stall is not hidden), beside misses in a closed loop (tenants whose cached status is deleted
 * right before each check), idle and during a round; then closed-loop ({@value #CACHED_WORKERS}
 * workers, as fast as answers come) idle and during a second round, which shows the capacity the
 * round takes.
 */
final class ScaleBenchmark {
  static final int TENANTS = 10_000;
  static final Duration LITELLM_DELAY = Duration.ofMillis(20);
  /** {@code alerts.reconcileSpread} in the perf run. */
  static final Duration SPREAD = Duration.ofSeconds(25);
  static final int CACHED_WORKERS = 4;
  static final int CACHED_RATE = 200;
  static final int MISS_WORKERS = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Everything the report's scale table shows ({@code cached*}: at the fixed rate; {@code saturated*}: closed loop). */
  record Result(int tenants, int roundTenants, double roundSeconds, double busySeconds, long litellmReads, int alertsRaised,
      long heapAfterMb,
      Load.Figures cachedIdle, Load.Figures missIdle, Load.Figures cachedDuringRound, Load.Figures missDuringRound, Load.Figures saturatedIdle,
      Load.Figures saturatedDuringRound, double secondRoundSeconds, DashboardBenchmark.Timing overview) {
    double tenantsPerRead() {
      return litellmReads == 0 ? roundTenants : (double) roundTenants / litellmReads;
    }

    double cachedRatio() {
      return cachedDuringRound.p95() / cachedIdle.p95();
    }

    /** The share of the idle closed-loop throughput that is left while a round runs. */
    double saturatedThroughputShare() {
      return saturatedDuringRound.throughput() / saturatedIdle.throughput();
    }
  }

  private ScaleBenchmark() {}

  static Result run(PerfEnvironment env, int overviewRequests) throws Exception {
    int tenants = fill(env);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<String> cached = env.tenants.stream().map(t -> t[0]).toList();
    List<String> missed = scaleTenants(env);
    for (String tenant : cached) {
      check(http, env.service.baseUrl(), tenant);
    }
    env.litellm.delay(LITELLM_DELAY, -1);
    try {
      // not measured: the service's code paths at full speed (the idle figures must not be the
      // colder ones), then the fixed-rate sender's connections
      long hot = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      closedLoop(env, http, cached, () -> System.nanoTime() < hot);
      long warm = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      measure(env, http, cached, missed, () -> System.nanoTime() < warm);
      long phase = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      Load.Figures[] idle = measure(env, http, cached, missed, () -> System.nanoTime() < phase);
      CompletableFuture<JsonNode> round = CompletableFuture.supplyAsync(() -> reconcile(env, http));
      Load.Figures[] during = measure(env, http, cached, missed, () -> !round.isDone());
      JsonNode done = ran(round.get());
      long heap = heapAfterGc(env, http);
      long saturatedPhase = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      Load.Figures saturatedIdle = closedLoop(env, http, cached, () -> System.nanoTime() < saturatedPhase);
      CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(() -> reconcile(env, http));
      Load.Figures saturatedDuring = closedLoop(env, http, cached, () -> !second.isDone());
      JsonNode secondDone = ran(second.get());
      DashboardBenchmark.Timing overview = DashboardBenchmark.overview(env, overviewRequests);
      return new Result(tenants, done.get("tenants").asInt(), done.get("seconds").asDouble(),
          done.get("busy_seconds").asDouble(), done.get("litellm_reads").asLong(), done.get("alerts_raised").asInt(), heap, idle[0], idle[1], during[0], during[1],
          saturatedIdle, saturatedDuring, secondDone.get("seconds").asDouble(), overview);
    } finally {
      env.litellm.heal();
    }
  }

  /**
   * Up to {@value #TENANTS} tenants: the missing ones inserted into PostgreSQL, and every tenant
   * without a key in the simulator (those and the dashboard's) given one, with a spend below its
   * alert threshold and max_budget = block_at, as BudgetGate itself would have left them.
   */
  private static int fill(PerfEnvironment env) throws Exception {
    try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
      TestKeys.insertSealed(c, """
          INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                      max_budget, budget_duration, budget_reset_at, litellm_synced_max_budget,
                                      created_at, updated_at)
          SELECT 'scale-' || lpad(i::text, 5, '0'), 'Scale tenant ' || i, 'scale-' || lpad(i::text, 5, '0'),
                 encode(sha256(convert_to('sk-scale-' || i, 'UTF8')), 'hex'), 'sk-scale-' || i, 100, '1mo',
                 date_trunc('month', now()) + interval '1 month', 110, now(), now()
            FROM generate_series(1, %d - (SELECT count(*) FROM tenant_configs)) AS i""".formatted(TENANTS));
      // the dashboard's tenants got placeholder hashes: give them their key's, as LiteLLM names it
      try (PreparedStatement hashed = c.prepareStatement("""
              UPDATE tenant_configs SET litellm_key_hash = ?, litellm_synced_max_budget = max_budget * grace_threshold / 100
               WHERE tenant_id = ?""");
          ResultSet rs = s.executeQuery("""
              SELECT tenant_id, litellm_virtual_key, litellm_key_alias, max_budget * grace_threshold / 100 AS block_at,
                     abs(hashtext(tenant_id)) % 70 AS spend
                FROM tenant_configs WHERE tenant_id LIKE 'dash-%' OR tenant_id LIKE 'scale-%'""")) {
        while (rs.next()) {
          String raw = TestKeys.open(rs.getString(1), rs.getString(2));
          env.litellm.createKey(raw, rs.getString(3), rs.getBigDecimal(4), "1mo", new BigDecimal(rs.getInt(5)));
          if (rs.getString(1).startsWith("dash-")) {
            hashed.setString(1, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(raw.getBytes(StandardCharsets.UTF_8))));
            hashed.setString(2, rs.getString(1));
            hashed.addBatch();
          }
        }
        hashed.executeBatch();
      }
      s.execute("ANALYZE tenant_configs");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tenant_configs")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static List<String> scaleTenants(PerfEnvironment env) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = env.db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tenant_id FROM tenant_configs WHERE tenant_id LIKE 'scale-%'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static JsonNode ran(JsonNode round) {
    if (!"ran".equals(round.path("outcome").asText())) {
      throw new IllegalStateException("the reconciler round did not run: " + round);
    }
    return round;
  }

  /** Cached checks at {@link #CACHED_RATE}/s and misses closed-loop ({@link #MISS_WORKERS} worker) side by side while {@code goOn}. */
  private static Load.Figures[] measure(PerfEnvironment env, HttpClient http, List<String> cached, List<String> missed,
      BooleanSupplier goOn) throws Exception {
    long started = System.nanoTime();
    // a thread of its own: the common pool (one thread on two cores) runs the reconciler's request
    FutureTask<List<Load.Sample>> hits = new FutureTask<>(
        () -> fixedRate(env, http, cached, goOn));
    new Thread(hits, "fixed-rate-checks").start();
    Load.Figures miss = misses(env, http, missed, goOn);
    Load.Figures hit = Load.figures(hits.get(), (System.nanoTime() - started) / 1e9);
    return new Load.Figures[] {hit, miss};
  }

  /** Cached checks closed-loop, {@link #CACHED_WORKERS} workers, while {@code goOn}. */
  private static Load.Figures closedLoop(PerfEnvironment env, HttpClient http, List<String> cached, BooleanSupplier goOn)
      throws Exception {
    return Load.closedLoop(CACHED_WORKERS, goOn, () -> ok(check(http, env.service.baseUrl(), random(cached))));
  }

  /** Misses closed-loop ({@link #MISS_WORKERS} workers): each tenant's cached status deleted before its check. */
  static Load.Figures misses(PerfEnvironment env, HttpClient http, List<String> tenants, BooleanSupplier goOn) throws Exception {
    return Load.closedLoopEach(MISS_WORKERS, goOn, () -> new MissCheck(env, http, tenants));
  }

  private static String random(List<String> tenants) {
    return tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
  }

  private static boolean ok(int status) {
    return status == 200 || status == 402;
  }

  /**
   * One check every 1/{@link #CACHED_RATE} s whatever the answers do (open model), each timed from
   * the moment it was due, so a check that had to wait for the sender is charged its wait.
   */
  private static List<Load.Sample> fixedRate(PerfEnvironment env, HttpClient http, List<String> tenants, BooleanSupplier goOn)
      throws Exception {
    long every = 1_000_000_000L / CACHED_RATE;
    long due = System.nanoTime();
    List<CompletableFuture<Load.Sample>> sent = new ArrayList<>();
    while (goOn.getAsBoolean()) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long at = due;
      String tenant = tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
      sent.add(http.sendAsync(request(env.service.baseUrl(), tenant), HttpResponse.BodyHandlers.discarding())
          .handle((answer, error) -> new Load.Sample((System.nanoTime() - at) / 1e6, error != null || !ok(answer.statusCode()))));
      due += every;
    }
    List<Load.Sample> out = new ArrayList<>();
    for (CompletableFuture<Load.Sample> one : sent) {
      out.add(one.get());
    }
    return out;
  }

  private static int check(HttpClient http, String base, String tenant) throws Exception {
    return http.send(request(base, tenant), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpRequest request(String base, String tenant) {
    return HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/budget"))
        .header("Authorization", "Bearer " + TestTokens.PLATFORM).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static JsonNode reconcile(PerfEnvironment env, HttpClient http) {
    try {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(env.service.adminUrl() + "/tasks/reconcile"))
          .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(answer.body());
    } catch (Exception e) {
      throw new IllegalStateException("POST /tasks/reconcile failed", e);
    }
  }

  /** Heap in use after a full GC (Dropwizard's {@code /tasks/gc}): what the round left behind. */
  private static long heapAfterGc(PerfEnvironment env, HttpClient http) throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(env.service.adminUrl() + "/tasks/gc"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    JsonNode metrics = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(env.service.adminUrl() + "/metrics")).GET()
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    return metrics.at("/gauges/jvm.memory.heap.used/value").asLong() / (1024 * 1024);
  }
}
