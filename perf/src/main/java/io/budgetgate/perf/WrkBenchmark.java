package io.budgetgate.perf;

import io.budgetgate.testing.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 21's measurement as a new operator takes it: {@code wrk -t2 -c16} (a C load generator,
 * far lighter than a JVM client, on the same two cores) against the jar on config.yml, 200 tenants
 * with every status cached, each endpoint for {@link #SECONDS} s after a warm-up of its own. The
 * yardstick is the admin port's {@code GET /ping}: Dropwizard's servlet, no Jersey, no auth, no
 * request log entry of the application connector. Each answer's status is counted by the script,
 * so a run of 401s or 500s cannot pass for speed.
 */
final class WrkBenchmark {
  static final int THREADS = 2;
  static final int CONNECTIONS = 16;
  /** Per endpoint; {@code -Dperf.wrkSeconds=N} for a longer run to profile. */
  static final int SECONDS = Integer.getInteger("perf.wrkSeconds", 10);
  static final int WARM_SECONDS = 3;
  static final int TENANTS = 200;
  /** Issue 21's targets: the two hot endpoints at half the admin ping's throughput, p95 5 ms; /v1/ping at 0.7. */
  static final double HOT_SHARE = 0.5;
  static final double HOT_P95_MS = 5;
  static final double PING_SHARE = 0.7;
  static final List<String> TARGETS = List.of("admin-ping", "v1-ping", "status-cached", "llm-access", "admin-ping-after");

  /** One endpoint's figures; statuses as wrk's script counted them. */
  record Figures(double throughput, double p50, double p95, double p99, long requests, Map<Integer, Long> statuses) {
    long unexpected() {
      return statuses.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 402).mapToLong(Map.Entry::getValue).sum();
    }
  }

  record Result(Map<String, Figures> figures) {
    double adminPing() {
      return figures.entrySet().stream().filter(e -> e.getKey().startsWith("admin-ping")).mapToDouble(e -> e.getValue().throughput())
          .average().orElse(Double.NaN);
    }

    double ratio(String target) {
      return figures.get(target).throughput() / adminPing();
    }
  }

  private WrkBenchmark() {}

  /** wrk on the PATH, or a clear message (Debian: {@code apt-get install wrk}). */
  static void requireWrk() throws Exception {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("the wrk profile needs wrk on the PATH (Debian: apt-get install -y wrk)", e);
    }
  }

  static Result run(PerfEnvironment env, Path work) throws Exception {
    List<String> tenants = env.tenants.stream().map(t -> t[0]).limit(TENANTS).toList();
    Files.createDirectories(work);
    Path script = work.resolve("budgetgate.lua");
    Files.writeString(script, script(tenants), StandardCharsets.UTF_8);
    String base = env.service.baseUrl();
    Map<String, Figures> figures = new LinkedHashMap<>();
    // -Dperf.wrkTargets=v1-ping,status-cached measures only those (to profile one path at a time)
    String chosen = System.getProperty("perf.wrkTargets", "").trim();
    List<String> only = chosen.isEmpty() ? TARGETS : List.of(chosen.split(","));
    for (String target : TARGETS.stream().filter(only::contains).toList()) {
      String url = target.startsWith("admin-ping") ? env.service.adminUrl() + "/ping" : base;
      // every status read once more right before, so none expires (60 s) during the phase
      if (target.equals("status-cached") || target.equals("llm-access")) {
        wrk(script, base, "status-cached", 1, 4, 1);
      }
      wrk(script, url, target, THREADS, CONNECTIONS, WARM_SECONDS);
      long from = System.currentTimeMillis();
      figures.put(target, wrk(script, url, target, THREADS, CONNECTIONS, SECONDS));
      // wall-clock times, to cut a profile of the service into its phases
      System.out.printf(Locale.ROOT, "[perf] wrk %s measured from %tT.%<tL to %tT.%<tL%n", target, from, System.currentTimeMillis());
    }
    return new Result(figures);
  }

  private static Figures wrk(Path script, String url, String target, int threads, int connections, int seconds) throws Exception {
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "-s",
        script.toString(), url));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("BG_TARGET", target);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk " + target + " failed:\n" + out);
    }
    return parse(target, out);
  }

  private static final Pattern LINE = Pattern.compile("^bg (\\S+) (.*)$", Pattern.MULTILINE);

  /** The figures the script's {@code done} printed ({@code bg rps 1234.5}, {@code bg p95_us 2100}, {@code bg status 200 5000}). */
  static Figures parse(String target, String out) {
    Map<String, Double> values = new LinkedHashMap<>();
    Map<Integer, Long> statuses = new LinkedHashMap<>();
    Matcher m = LINE.matcher(out);
    while (m.find()) {
      String[] rest = m.group(2).trim().split(" ");
      if (m.group(1).equals("status")) {
        statuses.merge(Integer.parseInt(rest[0]), Long.parseLong(rest[1]), Long::sum);
      } else {
        values.put(m.group(1), Double.parseDouble(rest[0]));
      }
    }
    if (!values.containsKey("rps")) {
      throw new IllegalStateException("wrk " + target + " printed no figures:\n" + out);
    }
    return new Figures(values.get("rps"), values.get("p50_us") / 1000, values.get("p95_us") / 1000, values.get("p99_us") / 1000,
        values.get("requests").longValue(), statuses);
  }

  /**
   * One Lua script for every target, so each pays wrk the same per-request work: a path chosen
   * per request (a random tenant, or the one ping path), the bearer header, statuses counted per
   * thread and summed in {@code done}.
   */
  static String script(List<String> tenants) {
    StringBuilder lua = new StringBuilder();
    lua.append("local target = os.getenv(\"BG_TARGET\")\n");
    lua.append("local tenants = {");
    for (int i = 0; i < tenants.size(); i++) {
      lua.append(i == 0 ? "" : ",").append('"').append(tenants.get(i)).append('"');
    }
    lua.append("}\n");
    lua.append("""
        local threads = {}
        function setup(thread)
          table.insert(threads, thread)
        end
        function init(args)
          counts = {}
          math.randomseed(os.time() + math.floor(os.clock() * 1000000))
        end
        local auth = { ["Authorization"] = "Bearer @TOKEN@" }
        function request()
          if target == "status-cached" then
            return wrk.format("GET", "/v1/tenants/" .. tenants[math.random(#tenants)] .. "/budget", auth)
          elseif target == "llm-access" then
            return wrk.format("POST", "/v1/tenants/" .. tenants[math.random(#tenants)] .. "/llm-access", auth)
          elseif target == "v1-ping" then
            return wrk.format("GET", "/v1/ping", auth)
          else
            return wrk.format("GET", "/ping")
          end
        end
        function response(status, headers, body)
          counts[status] = (counts[status] or 0) + 1
        end
        function done(summary, latency, requests)
          local seconds = summary.duration / 1000000
          io.write(string.format("bg rps %.1f\\n", summary.requests / seconds))
          io.write(string.format("bg requests %d\\n", summary.requests))
          io.write(string.format("bg p50_us %d\\n", latency:percentile(50)))
          io.write(string.format("bg p95_us %d\\n", latency:percentile(95)))
          io.write(string.format("bg p99_us %d\\n", latency:percentile(99)))
          for _, thread in ipairs(threads) do
            local c = thread:get("counts")
            for status, n in pairs(c) do
              io.write(string.format("bg status %d %d\\n", status, n))
            end
          end
        end
        """.replace("@TOKEN@", TestTokens.PLATFORM));
    return lua.toString();
  }

  static void report(StringBuilder md, Result r) {
    md.append(String.format(Locale.ROOT, "wrk -t%d -c%d, %d s each, %d tenants, every status cached; ratios to the admin port's "
        + "GET /ping (%.0f/s, mean of its two phases)%n%n", THREADS, CONNECTIONS, SECONDS, TENANTS, r.adminPing()));
    md.append("| endpoint | throughput | / admin ping | p50 | p95 | p99 | answers |\n|---|---:|---:|---:|---:|---:|---|\n");
    for (Map.Entry<String, Figures> e : r.figures().entrySet()) {
      Figures f = e.getValue();
      md.append(String.format(Locale.ROOT, "| %s | %,.0f/s | %.2f x | %.2f ms | %.2f ms | %.2f ms | %s |%n", e.getKey(), f.throughput(),
          r.ratio(e.getKey()), f.p50(), f.p95(), f.p99(), f.statuses()));
    }
  }
}
