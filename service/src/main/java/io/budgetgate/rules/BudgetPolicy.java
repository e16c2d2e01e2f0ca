package io.budgetgate.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * The budget rules of DESIGN §1, in exact decimals: thresholds are compared as
 * {@code spend * 100} against {@code threshold * effective_budget}, never through a rounded
 * percentage. Pure functions; the clock is a parameter.
 */
public final class BudgetPolicy {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private BudgetPolicy() {}

  /**
   * The state for this spend. A zero effective budget is blocked even at zero spend, with no
   * special case: {@code 0 x 100 >= grace x 0}.
   */
  public static BudgetState state(BigDecimal spend, BigDecimal effectiveBudget, int alertThreshold, int graceThreshold) {
    BigDecimal spendTimesHundred = spend.multiply(HUNDRED);
    if (spendTimesHundred.compareTo(effectiveBudget.multiply(BigDecimal.valueOf(graceThreshold))) >= 0) {
      return BudgetState.BLOCKED;
    }
    if (spendTimesHundred.compareTo(effectiveBudget.multiply(HUNDRED)) >= 0) {
      return BudgetState.CRITICAL;
    }
    if (spendTimesHundred.compareTo(effectiveBudget.multiply(BigDecimal.valueOf(alertThreshold))) >= 0) {
      return BudgetState.WARNING;
    }
    return BudgetState.OK;
  }

  /** {@code max_budget} plus every override active at {@code now} (starts_at <= now < expires_at). */
  public static BigDecimal effectiveBudget(BigDecimal maxBudget, List<OverrideWindow> overrides, Instant now) {
    return maxBudget.add(overrideTotal(overrides, now));
  }

  /** The sum of the overrides active at {@code now}. */
  public static BigDecimal overrideTotal(List<OverrideWindow> overrides, Instant now) {
    return overrides.stream()
        .filter(o -> o.activeAt(now))
        .map(OverrideWindow::amount)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /**
   * Percent used for display, two decimals, rounded down so the shown figure never reaches a
   * threshold the state has not (79.999 % shows as 79.99 and is ok). Null for a zero budget.
   */
  public static BigDecimal percentUsed(BigDecimal spend, BigDecimal effectiveBudget) {
    if (effectiveBudget.signum() <= 0) {
      return null;
    }
    return spend.multiply(HUNDRED).divide(effectiveBudget, 2, RoundingMode.DOWN);
  }

  /** What is left before the effective budget (100 %) is used up; never below zero. */
  public static BigDecimal remaining(BigDecimal spend, BigDecimal effectiveBudget) {
    return effectiveBudget.subtract(spend).max(BigDecimal.ZERO);
  }

  /** Negative spend from LiteLLM counts as zero. */
  public static BigDecimal sanitiseSpend(BigDecimal spend) {
    return spend == null ? BigDecimal.ZERO : spend.max(BigDecimal.ZERO);
  }
}
