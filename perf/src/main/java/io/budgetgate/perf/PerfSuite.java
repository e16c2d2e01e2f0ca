package io.budgetgate.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the load suites end to end: environment up, 1,000 tenants seeded, Gatling in a child JVM
 * (open model), the closed-loop saturation run, outbox drain and dedup, dashboard, LiteLLM faults,
 * 10,000 tenants, (full profile) JMH; report written, and a non-zero exit when a gate is missed.
 * Arguments: profile ({@code smoke}, {@code full}; {@code load} or {@code scale} run one part only,
 * printed and gated, no report; {@code wrk} issue 21's measurement, {@link WrkBenchmark}), report
 * path, gate scale. Every gate is in {@link Gates}.
 */
public final class PerfSuite {
  /** The dashboard is timed with this many tenants (the "fast with 5,000 tenants"). */
  static final int DASHBOARD_TENANTS = 5000;
  static final double DASHBOARD_P95_MS = 500;
  /** Checks with LiteLLM down and the status cache empty (DESIGN §7: the story's fail-safe figure is ~100 ms). */
  static final double BREAKER_P95_MS = 100;
  static final double BREAKER_FIRST_MS = 1500; // one decisionTimeout (500 ms) and room
  static final double BREAKER_RECOVERY_S = 30;
  static final int BREAKER_WORKERS = 8;
  /** A reconciler round over 10,000 tenants, "well inside" its 60 s interval. */
  static final double SCALE_ROUND_S = 30;
  /** At most one LiteLLM read per this many tenants in a round. */
  static final double SCALE_TENANTS_PER_READ = 50;
  /** Cached checks at a fixed 200/s while a round runs: the target for p95 during / idle (reported, not gated). */
  static final double SCALE_CACHED_RATIO = 1.5;
  /**
   * Closed-loop throughput as a share of the no-op's in the same run. Measured 0.63-0.81 (cached,
   * llm-access) and 0.06-0.09 (miss) over a day's runs (docs/perf/README.md): the minima sit at
   * about half the lowest, so only a path two or three times costlier crosses them. One more
   * PostgreSQL query in the cached path does not (0.53-0.60): the statement counts below catch it.
   */
  static final double CACHED_SHARE = 0.3;
  static final double ACCESS_SHARE = 0.3;
  static final double MISS_SHARE = 0.03;
  /**
   * What a request may cost, counted from the service's own metrics over a closed-loop phase
   * (background jobs included: a few statements a second beside thousands of requests). These
   * do not move with the machine's speed: one SQL statement in the cached path is 1.0 a request.
   */
  static final double CACHED_COST = 0.01;
  static final double MISS_LITELLM_CALLS = 1.05;
  /**
   * Issue 18's target for a hold and its settle (each p95 <= 10 ms at 200/s over 1,000 tenants and at
   * 300/s on one tenant) is reported beside the figures, not gated: on this machine a slow hour
   * leaves the closed-loop capacity for holds and settles near 200 pairs/s, where an open-model p95
   * is a queue, not a latency. Capacity is gated instead, as a ratio to the no-op, and what a
   * pair costs in SQL statements (counted, so it does not move with the machine).
   */
  static final double RESERVE_P95_MS = 10;
  static final double RESERVE_SHARE = 0.04;
  static final double RESERVE_SQL = 6;
  static final List<String> RESERVATIONS = List.of("reserve", "settle", "reserve-hot", "settle-hot");
  /** The story's check figure (p95 < 50 ms) and the webhook's (p95 < 100 ms). */
  static final double CHECK_P95_MS = 50;
  static final double WEBHOOK_P95_MS = 100;
  /**
   * Misses at a fixed 100/s (open model) are judged against a stall cap, not the story's 50 ms:
   * their p95 measured 8-29 ms on a quiet machine and 35-85 ms when it was three times slower,
   * too near 50 for a gate that must not fail on noise. The story's figure is gated on a single
   * client's misses (closed loop), which measured 2-6 ms.
   */
  static final double MISS_OPEN_P95_CAP_MS = 250;
  /**
   * The outbox drains while the load runs on a quiet machine (0-3 s after it) and took 10.6 s when
   * the machine was four times slower (the no-op at 2,454/s). A dispatcher that stops keeping up
   * leaves rows for minutes (retries back off 10 s, 1 min, 5 min), so 30 s still catches that.
   */
  static final double DRAIN_S = 30;
  static final double DEDUP_PER_S = 1000;
  /**
   * The open scenarios that commit on every request. Their p95 gates allow, on top of the story's
   * figure, what a bare commit took at p95 in the same seconds ({@link CommitProbe}): on this
   * virtual machine a commit usually takes a fraction of a millisecond and now and then waits
   * seconds for the disk (a webhook-50 p95 of 706 ms on 2026-12-07 with every other figure normal;
   * PostgreSQL logged COMMITs of 250-375 ms in the next run). A slower BudgetGate still fails the
   * gate; a disk that stalled everyone's commits does not.
   */
  static final List<String> COMMITTING = List.of("status-miss", "webhook-50");
  private PerfSuite() {}

  public static void main(String[] args) throws Exception {
    String profile = args.length > 0 ? args[0] : "smoke";
    Path report = Path.of(args.length > 1 ? args[1] : "target/perf/report.md");
    double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    System.setProperty("java.awt.headless", "true");
    Path work = Path.of("target", "perf").toAbsolutePath();
    Gates gates = new Gates(scale);
    if ("wrk".equals(profile)) {
      WrkBenchmark.requireWrk();
    }
    try (PerfEnvironment env = new PerfEnvironment().start()) {
      log("BudgetGate up at " + env.service.baseUrl() + "; seeding " + PerfEnvironment.TENANTS + " tenants");
      env.seed();
      if ("wrk".equals(profile)) {
        WrkBenchmark.Result r = WrkBenchmark.run(env, work);
        StringBuilder md = new StringBuilder();
        WrkBenchmark.report(md, r);
        System.out.println(md);
        wrkGates(gates, r);
      } else if ("scale".equals(profile)) {
        ScaleBenchmark.Result r = ScaleBenchmark.run(env, 20);
        StringBuilder md = new StringBuilder();
        PerfReport.scale(md, r);
        System.out.println(md);
        scaleGates(gates, r);
      } else {
        long outboxBefore = env.outboxRows();
        List<String> output = new ArrayList<>();
        int gatling;
        Map<String, Double> commits = new LinkedHashMap<>();
        try (CommitProbe probe = new CommitProbe(TestPostgres.newDatabase()).start()) {
          gatling = gatling(env, work, "load".equals(profile) ? "smoke" : profile, output);
          for (String scenario : COMMITTING) {
            Optional<long[]> window = ScenarioStats.window(output, scenario);
            Optional<Double> p95 = window.flatMap(w -> probe.p95(w[0], w[1]));
            p95.ifPresent(ms -> commits.put(scenario, ms));
            log(String.format(Locale.ROOT, "a bare commit during %s: %s (%d probe commits failed in all)", scenario,
                p95.map(ms -> String.format(Locale.ROOT, "p95 %.1f ms over %d commits", ms,
                    probe.between(window.get()[0], window.get()[1]).size())).orElse("no window found, allowance 0"),
                probe.failures()));
          }
        }
        Map<String, ScenarioStats> stats = ScenarioStats.parse(output, BudgetGateSimulation.NAMES);
        loadGates(gates, stats, gatling, commits);
        if (stats.containsKey("reserve")) {
          log(reservationLine(stats));
        }
        long queued = env.outboxRows() - outboxBefore;
        double drain = drainSeconds(env);
        log(String.format(Locale.ROOT, "outbox: %d notifications queued by the load, drained %.1f s after it; %d mails and %d "
            + "Slack posts received in all", queued, drain, env.mailbox.messages().size(), env.slack.messages().size()));
        gates.atLeast("outbox rows the load queued", 1, "rows", queued, "alerts notify through the outbox");
        gates.atMost("outbox drained after the load", DRAIN_S, "s", drain, null);
        SaturationBenchmark.Result saturation = SaturationBenchmark.run(env);
        log(saturationLine(saturation));
        saturationGates(gates, saturation);
        Load.Figures dedup = DedupBenchmark.run(env.redisUrl, Duration.ofSeconds(5));
        log(String.format(Locale.ROOT, "dedup claims: %.0f/s, p95 %.2f ms, %d failed", dedup.throughput(), dedup.p95(), dedup.failed()));
        gates.atLeast("alert dedup claims (RedisCache.putIfAbsent, 4 threads)", DEDUP_PER_S, "claims/s", dedup.throughput(), null);
        gates.holds("alert dedup claims answered", "all", dedup.failed() + " failed", dedup.failed() == 0);
        if (!"load".equals(profile)) {
          rest(env, profile, report, work, gates, stats, gatling, drain, queued, dedup, saturation);
        }
      }
    }
    List<String> failures = gates.failures();
    if (!failures.isEmpty()) {
      System.err.println("PERF GATE FAILED:\n  " + String.join("\n  ", failures));
    } else {
      System.out.println("perf gates passed");
    }
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  /** Dashboard, LiteLLM faults, 10,000 tenants, JMH, then the report. */
  private static void rest(PerfEnvironment env, String profile, Path report, Path work, Gates gates, Map<String, ScenarioStats> stats,
      int gatling, double drain, long queued, Load.Figures dedup, SaturationBenchmark.Result saturation) throws Exception {
    boolean full = "full".equals(profile);
    log("timing the dashboard with " + DASHBOARD_TENANTS + " tenants");
    DashboardBenchmark.Result dashboard = DashboardBenchmark.run(env, DASHBOARD_TENANTS, full ? 100 : 20);
    log(String.format(Locale.ROOT, "dashboard overview p95 %.0f ms", dashboard.overview().p95()));
    gates.atMost("dashboard overview, " + DASHBOARD_TENANTS + " tenants, p95", DASHBOARD_P95_MS, "ms", dashboard.overview().p95(), null);
    List<BreakerBenchmark.Result> breaker = new ArrayList<>();
    for (String fault : List.of("hang", "fail")) {
      log("budget checks with LiteLLM " + (fault.equals("hang") ? "hanging" : "answering 500") + ", status cache empty, "
          + BREAKER_WORKERS + " workers closed-loop");
      BreakerBenchmark.Result r = BreakerBenchmark.run(env, fault, BREAKER_WORKERS, Duration.ofSeconds(10));
      log(String.format(Locale.ROOT, "LiteLLM %s: first check %.0f ms; %d checks (%d failed) at %.0f/s, p50 %.1f ms, p95 %.1f ms, "
          + "max %.0f ms; live again %.1f s after it returned", fault, r.firstMillis(), r.requests(), r.failed(), r.throughput(),
          r.p50(), r.p95(), r.max(), r.recoverySeconds()));
      breaker.add(r);
      String what = "checks, LiteLLM " + (fault.equals("hang") ? "hanging" : "answering 500") + ", cache empty";
      gates.atMost(what + ": p95", BREAKER_P95_MS, "ms", r.p95(), "the story's fail-safe ~100 ms");
      gates.atMost(what + ": first check", BREAKER_FIRST_MS, "ms", r.firstMillis(), "one 500 ms decision timeout and room");
      gates.atMost(what + ": live again after LiteLLM returns", BREAKER_RECOVERY_S, "s",
          r.recoverySeconds() < 0 ? Double.POSITIVE_INFINITY : r.recoverySeconds(), null);
      gates.holds(what + ": failed checks", "0 (fail-open answers 200 or 402)", String.valueOf(r.failed()), r.failed() == 0);
    }
    log("scale: " + ScaleBenchmark.TENANTS + " tenants, LiteLLM answering " + ScaleBenchmark.LITELLM_DELAY.toMillis()
        + " ms late, one reconciler round beside closed-loop checks");
    ScaleBenchmark.Result scaleRun = ScaleBenchmark.run(env, full ? 100 : 20);
    log(String.format(Locale.ROOT, "scale: round over %d tenants in %.1f s (%.1f s working) with %d LiteLLM reads (%.0f tenants a read), "
        + "heap after %d MiB; cached p95 at 200/s %.1f ms idle, %.1f ms during the round; miss p95 %.1f / %.1f ms; "
        + "closed loop %.0f/s idle, %.0f/s during a round; overview p95 %.0f ms",
        scaleRun.roundTenants(), scaleRun.roundSeconds(), scaleRun.busySeconds(), scaleRun.litellmReads(), scaleRun.tenantsPerRead(),
        scaleRun.heapAfterMb(), scaleRun.cachedIdle().p95(), scaleRun.cachedDuringRound().p95(), scaleRun.missIdle().p95(),
        scaleRun.missDuringRound().p95(), scaleRun.saturatedIdle().throughput(), scaleRun.saturatedDuringRound().throughput(),
        scaleRun.overview().p95()));
    scaleGates(gates, scaleRun);
    List<String[]> jmh = full ? jmh(work) : List.of();
    PerfReport.write(report, new PerfReport.Run(BudgetGateSimulation.plan(full), profile, machine(), stats, drain, queued,
        env.mailbox.messages().size(), env.slack.messages().size(), dedup, gatling, gates.all(), jmh, dashboard, breaker, scaleRun,
        saturation));
    log("report written to " + report.toAbsolutePath());
  }

  /** The Gatling scenarios' gates: the story's figures where they sit far from noise, and no failed request. */
  static void loadGates(Gates gates, Map<String, ScenarioStats> stats, int gatling, Map<String, Double> commits) {
    gates.holds("Gatling ran", "exit 0 and figures printed", "exit " + gatling + ", " + stats.size() + " scenarios",
        gatling == 0 && !stats.isEmpty());
    gate(gates, stats, "status-cached", s -> gates.below("status-cached p95 (open, cached)", CHECK_P95_MS, "ms", s.p95(), "story"));
    gate(gates, stats, "llm-access", s -> gates.below("llm-access p95 (open, the decision)", CHECK_P95_MS, "ms", s.p95(), "story"));
    double missDisk = commits.getOrDefault("status-miss", 0.0);
    gate(gates, stats, "status-miss", s -> gates.below("status-miss p95 (open, " + BudgetGateSimulation.MISS_RATE + "/s)",
        MISS_OPEN_P95_CAP_MS + missDisk, "ms", s.p95(), "stall cap " + (int) MISS_OPEN_P95_CAP_MS + " ms + a bare commit's p95 then, "
        + String.format(Locale.ROOT, "%.1f", missDisk) + " ms; the story's 50 ms is gated on the closed-loop miss"));
    double webhookDisk = commits.getOrDefault("webhook-50", 0.0);
    gate(gates, stats, "webhook-50", s -> gates.below("webhook-50 p95", WEBHOOK_P95_MS + webhookDisk, "ms", s.p95(), "story's "
        + (int) WEBHOOK_P95_MS + " ms + a bare commit's p95 then, " + String.format(Locale.ROOT, "%.1f", webhookDisk) + " ms"));
    gate(gates, stats, "concurrent-100", s -> gates.below("concurrent-100 slowest answer", 5000, "ms", s.max(), "story"));
    // the reservation scenarios (full profile) are reported, not gated: at their rates the holds queue on this machine
    // (docs/perf/README.md, "Reservations"); their capacity is gated in the closed loop
    long failed = stats.values().stream().filter(s -> !RESERVATIONS.contains(s.name())).mapToLong(ScenarioStats::failed).sum();
    gates.holds("failed requests (Gatling, the reservation scenarios apart)", "0", String.valueOf(failed), failed == 0);
  }

  private static void gate(Gates gates, Map<String, ScenarioStats> stats, String name, Consumer<ScenarioStats> gate) {
    ScenarioStats s = stats.get(name);
    if (s == null) {
      gates.holds(name, "ran", "not run", false);
    } else {
      gate.accept(s);
    }
  }

  /** The reservation scenarios beside issue 18's p95 target (reported, not gated). */
  static String reservationLine(Map<String, ScenarioStats> stats) {
    StringBuilder line = new StringBuilder("reservations (target p95 <= " + (int) RESERVE_P95_MS + " ms each, reported):");
    for (String name : RESERVATIONS) {
      ScenarioStats s = stats.get(name);
      line.append(s == null ? " " + name + " not run;" : String.format(Locale.ROOT, " %s p95 %.0f ms, %d of %d failed;", name,
          s.p95(), s.failed(), s.count()));
    }
    return line.toString();
  }

  static String saturationLine(SaturationBenchmark.Result r) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "closed loop, %d workers: no-op %.0f/s (%.0f before, %.0f after)",
        SaturationBenchmark.WORKERS, r.noopThroughput(), r.noopBefore(), r.noopAfter()));
    r.figures().forEach((name, f) -> line.append(String.format(Locale.ROOT,
        "; %s %.0f/s (%.2f x no-op) p50 %.1f p95 %.1f ms, %.3f SQL and %.3f LiteLLM calls a request%s", name, f.throughput(),
        r.ratio(name), f.p50(), f.p95(), r.costs().get(name).sqlPerRequest(), r.costs().get(name).litellmPerRequest(),
        f.failed() > 0 ? " " + f.failed() + " failed" : "")));
    return line.toString();
  }

  /** Closed-loop throughput as shares of the no-op's, and the story's check figure on a single client's misses. */
  static void saturationGates(Gates gates, SaturationBenchmark.Result r) {
    gates.atLeast("closed loop: status-cached throughput / no-op", CACHED_SHARE, "x", r.ratio("status-cached"), null);
    gates.atLeast("closed loop: llm-access throughput / no-op", ACCESS_SHARE, "x", r.ratio("llm-access"), null);
    gates.atLeast("closed loop: status-miss throughput / no-op", MISS_SHARE, "x", r.ratio("status-miss"), null);
    gates.below("closed loop: status-miss p95, one client", CHECK_P95_MS, "ms", r.figures().get("status-miss-1").p95(), "story");
    for (String cached : List.of("status-cached", "llm-access")) {
      gates.atMost("closed loop: " + cached + " SQL statements", CACHED_COST, "a request", r.costs().get(cached).sqlPerRequest(),
          "a cached decision reads Redis only");
      gates.atMost("closed loop: " + cached + " LiteLLM calls", CACHED_COST, "a request", r.costs().get(cached).litellmPerRequest(),
          null);
    }
    gates.atLeast("closed loop: reserve+settle pairs / no-op", RESERVE_SHARE, "x", r.ratio("reserve-settle"), null);
    gates.atMost("closed loop: reserve+settle SQL statements", RESERVE_SQL, "a pair", r.costs().get("reserve-settle")
        .sqlPerRequest(), "lock + one counting INSERT; settle by its row");
    gates.atMost("closed loop: status-miss LiteLLM calls", MISS_LITELLM_CALLS, "a request", r.costs().get("status-miss")
        .litellmPerRequest(), "one read per miss");
    int failed = r.figures().values().stream().mapToInt(Load.Figures::failed).sum();
    gates.holds("closed loop: failed requests", "0", String.valueOf(failed), failed == 0);
  }

  /**
   * Issue 21's targets, as gates of the {@code wrk} profile only (it needs wrk, which the README's
   * machine does not have): every answer a 200 or a 402, the hot endpoints at half the admin ping's
   * throughput and p95 5 ms, {@code /v1/ping} at 0.7.
   */
  static void wrkGates(Gates gates, WrkBenchmark.Result r) {
    long unexpected = r.figures().values().stream().mapToLong(WrkBenchmark.Figures::unexpected).sum();
    gates.holds("wrk: answers other than 200 and 402", "0", String.valueOf(unexpected), unexpected == 0);
    if (!r.figures().containsKey("admin-ping") || !r.figures().containsKey("v1-ping")) {
      return; // a run of some targets only (perf.wrkTargets), to profile them
    }
    gates.atLeast("wrk: /v1/ping throughput / admin ping", WrkBenchmark.PING_SHARE, "x", r.ratio("v1-ping"), "issue 21");
    for (String hot : List.of("status-cached", "llm-access").stream().filter(r.figures()::containsKey).toList()) {
      gates.atLeast("wrk: " + hot + " throughput / admin ping", WrkBenchmark.HOT_SHARE, "x", r.ratio(hot), "issue 21");
      gates.atMost("wrk: " + hot + " p95", WrkBenchmark.HOT_P95_MS, "ms", r.figures().get(hot).p95(), "issue 21");
    }
  }

  static void scaleGates(Gates gates, ScaleBenchmark.Result r) {
    gates.atMost(String.format(Locale.ROOT, "%,d tenants: reconciler round", r.tenants()), SCALE_ROUND_S, "s", r.roundSeconds(),
        "its interval is 60 s");
    gates.atLeast(String.format(Locale.ROOT, "%,d tenants: tenants per LiteLLM read", r.tenants()), SCALE_TENANTS_PER_READ, "tenants",
        r.tenantsPerRead(), null);
    gates.holds(String.format(Locale.ROOT, "%,d tenants: the round read every tenant", r.tenants()), r.tenants() + " tenants",
        r.roundTenants() + " read", r.roundTenants() >= r.tenants());
    // The cached p95 during a round / idle (target <= SCALE_CACHED_RATIO) is reported, not gated:
    // on this 2-core machine, load generator included, it measured 1.16-2.0 x from run to run of
    // the same code, so as a gate it would fail on noise (docs/perf/README.md).
    int failed = r.cachedIdle().failed() + r.cachedDuringRound().failed() + r.missIdle().failed() + r.missDuringRound().failed()
        + r.saturatedIdle().failed() + r.saturatedDuringRound().failed();
    gates.holds(String.format(Locale.ROOT, "%,d tenants: failed checks", r.tenants()), "0", String.valueOf(failed), failed == 0);
    gates.atMost(String.format(Locale.ROOT, "%,d tenants: dashboard overview p95", r.tenants()), DASHBOARD_P95_MS, "ms",
        r.overview().p95(), null);
  }

  private static int gatling(PerfEnvironment env, Path work, String profile, List<String> output) throws Exception {
    Path feeder = env.writeFeeder(work);
    log("running Gatling, profile " + profile);
    return run(output, javaCommand(List.of(
        "-Dperf.profile=" + profile, "-Dperf.baseUrl=" + env.service.baseUrl(),
        "-Dperf.tenants=" + feeder, "-Dperf.token=" + TestTokens.PLATFORM, "-Dperf.webhookSecret=" + Webhooks.SECRET,
        "-Dperf.hotTenant=" + PerfEnvironment.HOT_TENANT, "-Dperf.missRate=" + BudgetGateSimulation.MISS_RATE),
        "io.gatling.app.Gatling", "-s", BudgetGateSimulation.class.getName(), "-nr", "-rf", work.resolve("gatling").toString()));
  }

  private static double drainSeconds(PerfEnvironment env) throws Exception {
    long started = System.nanoTime();
    while (env.pendingOutbox() > 0) {
      if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
        break;
      }
      Thread.sleep(100);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static List<String[]> jmh(Path work) throws Exception {
    Path json = work.resolve("jmh.json");
    log("running JMH microbenchmarks");
    int code = run(new ArrayList<>(), javaCommand(List.of(), "org.openjdk.jmh.Main", "io.budgetgate.perf.jmh",
        "-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s", "-rf", "json", "-rff", json.toString()));
    List<String[]> rows = new ArrayList<>();
    if (code != 0 || !Files.exists(json)) {
      return rows;
    }
    for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
      JsonNode m = b.get("primaryMetric");
      rows.add(new String[] {b.get("benchmark").asText().replace("io.budgetgate.perf.jmh.", ""), b.get("mode").asText(),
          String.format(Locale.ROOT, "%.3f", m.get("score").asDouble()), String.format(Locale.ROOT, "%.3f", m.get("scoreError").asDouble()),
          m.get("scoreUnit").asText()});
    }
    return rows;
  }

  private static List<String> javaCommand(List<String> props, String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
        // what Gatling's own launcher passes: it reflects into java.lang
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "-XX:MaxInlineLevel=20", "-XX:MaxTrivialSize=12",
        "-cp", System.getProperty("java.class.path")));
    command.addAll(props);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs a child process, echoing and keeping its output. */
  private static int run(List<String> output, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        System.out.println(line);
        output.add(line);
      }
    }
    return process.waitFor();
  }

  private static String machine() {
    String cpu = "unknown CPU";
    String memory = "unknown memory";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
      memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)).findFirst()
          .orElse(memory);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the defaults
    }
    return String.format(Locale.ROOT, "- %d cores (%s), %s RAM%n- %s %s, Java %s (%s)%n- PostgreSQL and Redis: %s",
        Runtime.getRuntime().availableProcessors(), cpu, memory, System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getenv("BUDGETGATE_TEST_DATABASE_URL") != null ? "this machine's servers (BUDGETGATE_TEST_* variables)" : "embedded");
  }

  private static void log(String message) {
    System.out.println("[perf] " + message);
  }
}
