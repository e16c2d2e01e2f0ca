package io.budgetgate.dashboard;

import io.budgetgate.budget.BudgetStanding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tenant page's spend chart, drawn server-side as SVG geometry: spend over the current period
 * as a line, with the alert threshold, the effective budget and the grace limit as horizontal rules.
 *
 * @param points the polyline's points ("x,y x,y ..."); empty when there is nothing to draw
 * @param rules the horizontal rules, bottom up
 */
record SpendChart(int width, int height, String points, List<Rule> rules, String from, String to, String top,
    int samples) {
  static final int WIDTH = 720;
  static final int HEIGHT = 240;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 12;
  private static final int BOTTOM = 28;

  /** A labelled horizontal rule. */
  record Rule(String label, String css, String y) {}

  /** One recorded spend. */
  record Point(Instant at, BigDecimal spend) {}

  SpendChart {
    rules = List.copyOf(rules);
  }

  boolean isEmpty() {
    return samples == 0;
  }

  static SpendChart of(List<Point> series, Instant from, Instant to, BudgetStanding status) {
    BigDecimal ceiling = status.blockAt() == null ? BigDecimal.ONE : status.blockAt();
    for (Point p : series) {
      ceiling = ceiling.max(p.spend());
    }
    ceiling = ceiling.multiply(new BigDecimal("1.05"));
    if (ceiling.signum() <= 0) {
      ceiling = BigDecimal.ONE;
    }
    long span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
    StringBuilder points = new StringBuilder();
    for (Point p : series) {
      double x = LEFT + (WIDTH - LEFT - RIGHT) * (double) (p.at().toEpochMilli() - from.toEpochMilli()) / span;
      points.append(points.isEmpty() ? "" : " ").append(fmt(x)).append(',').append(fmt(y(p.spend(), ceiling)));
    }
    List<Rule> rules = new ArrayList<>();
    if (status.alertAt() != null) {
      rules.add(new Rule("alert " + Display.money(status.alertAt()), "rule-alert", fmt(y(status.alertAt(), ceiling))));
      rules.add(new Rule("budget " + Display.money(status.effectiveBudget()), "rule-budget",
          fmt(y(status.effectiveBudget(), ceiling))));
      rules.add(new Rule("blocked " + Display.money(status.blockAt()), "rule-block", fmt(y(status.blockAt(), ceiling))));
    }
    return new SpendChart(WIDTH, HEIGHT, points.toString(), rules, Display.time(from), Display.time(to),
        Display.money(ceiling.setScale(2, RoundingMode.HALF_UP)), series.size());
  }

  int getPlotLeft() {
    return LEFT;
  }

  int getPlotRight() {
    return WIDTH - RIGHT;
  }

  int getPlotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  int getPlotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  int getPlotBottom() {
    return HEIGHT - BOTTOM;
  }

  private static double y(BigDecimal value, BigDecimal ceiling) {
    double share = value.divide(ceiling, 6, RoundingMode.HALF_UP).doubleValue();
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - Math.max(0, Math.min(1, share)));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
