package io.budgetgate.perf;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's figures, read from the assertion lines Gatling prints with their actual values
 * ({@code status-cached: 95th percentile of response time is less than 50.0 : true (actual : 3.0)}).
 */
record ScenarioStats(String name, double p50, double p95, double p99, double max, double rps, long count, long failed) {
  private static final Pattern LINE = Pattern.compile("^(?<name>[a-z0-9-]+): (?<metric>.+?) is .+ : (?:true|false) \\(actual : (?<value>[0-9.Ee+-]+)\\)\\s*$");

  /** Parses every scenario found in Gatling's output, in the order of {@code names}. */
  static Map<String, ScenarioStats> parse(List<String> output, List<String> names) {
    Map<String, Map<String, Double>> raw = new LinkedHashMap<>();
    for (String line : output) {
      Matcher m = LINE.matcher(line.trim());
      if (m.matches()) {
        raw.computeIfAbsent(m.group("name"), k -> new LinkedHashMap<>()).put(metric(m.group("metric")), Double.parseDouble(m.group("value")));
      }
    }
    Map<String, ScenarioStats> stats = new LinkedHashMap<>();
    for (String name : names) {
      Map<String, Double> v = raw.get(name);
      if (v != null && v.containsKey("count")) {
        stats.put(name, new ScenarioStats(name, v.getOrDefault("p50", 0.0), v.getOrDefault("p95", 0.0), v.getOrDefault("p99", 0.0),
            v.getOrDefault("max", 0.0), v.getOrDefault("rps", 0.0), v.get("count").longValue(), v.getOrDefault("failed", 0.0).longValue()));
      }
    }
    return stats;
  }

  private static final Pattern BLOCK = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) GMT\\s+\\d+s elapsed$");
  private static final Pattern PROGRESS = Pattern.compile("waiting:\\s*([\\d,]+) / active:\\s*([\\d,]+)\\s*/ done:\\s*([\\d,]+)");
  private static final DateTimeFormatter GATLING_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * When a scenario ran (epoch ms, from and to), read from the progress blocks Gatling prints every
   * 5 s with their time: from the last block before it had started to the first block after it had
   * finished, so the window holds the whole scenario and at most 5 s more on each side.
   */
  static Optional<long[]> window(List<String> output, String scenario) {
    long blockAt = -1;
    long from = -1;
    boolean inScenario = false;
    String header = "---- " + scenario + " ";
    for (String line : output) {
      String text = line.trim();
      Matcher block = BLOCK.matcher(text);
      if (block.matches()) {
        blockAt = LocalDateTime.parse(block.group(1), GATLING_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        inScenario = false;
        continue;
      }
      if (text.startsWith("---- ")) {
        inScenario = text.startsWith(header);
        continue;
      }
      Matcher progress = PROGRESS.matcher(text);
      if (inScenario && blockAt >= 0 && progress.find()) {
        long waiting = count(progress.group(1));
        long active = count(progress.group(2));
        long done = count(progress.group(3));
        if (active == 0 && done == 0) {
          from = blockAt;
        } else if (waiting == 0 && active == 0) {
          return from < 0 ? Optional.empty() : Optional.of(new long[] {from, blockAt});
        }
        inScenario = false;
      }
    }
    return Optional.empty();
  }

  private static long count(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }

  private static String metric(String text) {
    if (text.startsWith("50th percentile")) {
      return "p50";
    }
    if (text.startsWith("95th percentile")) {
      return "p95";
    }
    if (text.startsWith("99th percentile")) {
      return "p99";
    }
    if (text.startsWith("max of response time")) {
      return "max";
    }
    if (text.startsWith("mean requests per second")) {
      return "rps";
    }
    if (text.startsWith("count of failed")) {
      return "failed";
    }
    if (text.startsWith("count of all")) {
      return "count";
    }
    return text;
  }
}
