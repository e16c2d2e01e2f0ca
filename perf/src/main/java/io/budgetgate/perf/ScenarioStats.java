package io.budgetgate.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
