package io.budgetgate.dashboard;

import io.budgetgate.budget.BudgetStanding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A usage bar's geometry: the track spans 0 % to 20 points past the grace limit, the fill is the
 * percent used (capped at the track's end), and markers stand at the alert threshold, 100 % and the
 * grace limit. Positions are percentages of the track's width, formatted for CSS.
 *
 * @param state the tenant's state; the fill's colour
 * @param percent percent used, as shown; empty when no spend is known
 */
record UsageBar(String state, String percent, String scale, String fillWidth, String alertMark, String hundredMark,
    String graceMark, String label) {

  private static final BigDecimal HEADROOM = BigDecimal.valueOf(20);

  static UsageBar of(BudgetStanding status) {
    BigDecimal scale = BigDecimal.valueOf(status.graceThreshold()).add(HEADROOM);
    BigDecimal percent = status.percentUsed();
    BigDecimal fill = percent == null ? BigDecimal.ZERO : percent.max(BigDecimal.ZERO).min(scale);
    String shown = percent == null ? "" : percent.setScale(1, RoundingMode.DOWN).toPlainString();
    String label = percent == null
        ? "no spend recorded yet"
        : shown + " % of the effective budget used (alert at " + status.alertThreshold() + " %, blocked at "
            + status.graceThreshold() + " %)";
    return new UsageBar(status.state().wireName(), shown, scale.toPlainString(), position(fill, scale),
        position(BigDecimal.valueOf(status.alertThreshold()), scale), position(BigDecimal.valueOf(100), scale),
        position(BigDecimal.valueOf(status.graceThreshold()), scale), label);
  }

  /** {@code value} as a percentage of {@code scale}, two decimals, dot as separator whatever the locale. */
  static String position(BigDecimal value, BigDecimal scale) {
    return String.format(Locale.ROOT, "%.2f",
        value.multiply(BigDecimal.valueOf(100)).divide(scale, 4, RoundingMode.HALF_UP));
  }
}
