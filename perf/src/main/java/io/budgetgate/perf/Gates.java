package io.budgetgate.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every gate of a perf run in one list: what the suite prints, the report tabulates and the exit
 * code obeys. {@code perf.gateScale} applies to every numeric gate: a time limit is multiplied by
 * it, a minimum (a rate, a ratio) divided by it, so {@code -Dperf.gateScale=0.01} fails them all.
 */
final class Gates {
  /** One gate as the report shows it. */
  record Gate(String name, String threshold, String measured, boolean passed) {}

  private final double scale;
  private final List<Gate> gates = new ArrayList<>();

  Gates(double scale) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("perf.gateScale must be positive, was " + scale);
    }
    this.scale = scale;
  }

  /** Passes when {@code measured < limit x scale}. */
  void below(String name, double limit, String unit, double measured, String why) {
    double scaled = limit * scale;
    add(name, "< " + number(scaled) + " " + unit + suffix(why), number(measured) + " " + unit, measured < scaled);
  }

  /** Passes when {@code measured <= limit x scale}. */
  void atMost(String name, double limit, String unit, double measured, String why) {
    double scaled = limit * scale;
    add(name, "<= " + number(scaled) + " " + unit + suffix(why), number(measured) + " " + unit, measured <= scaled);
  }

  /** Passes when {@code measured >= minimum / scale}. */
  void atLeast(String name, double minimum, String unit, double measured, String why) {
    double scaled = minimum / scale;
    add(name, ">= " + number(scaled) + " " + unit + suffix(why), number(measured) + " " + unit, measured >= scaled);
  }

  /** A gate that is a fact, not a figure (no request failed, the round read every tenant). */
  void holds(String name, String threshold, String measured, boolean passed) {
    add(name, threshold, measured, passed);
  }

  private void add(String name, String threshold, String measured, boolean passed) {
    gates.add(new Gate(name, threshold, measured, passed));
  }

  List<Gate> all() {
    return List.copyOf(gates);
  }

  /** The missed gates, one line each. */
  List<String> failures() {
    return gates.stream().filter(g -> !g.passed()).map(g -> g.name() + ": " + g.measured() + ", gate " + g.threshold()).toList();
  }

  private static String suffix(String why) {
    return why == null || why.isEmpty() ? "" : " (" + why + ")";
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "none";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
