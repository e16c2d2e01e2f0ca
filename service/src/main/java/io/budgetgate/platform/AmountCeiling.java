package io.budgetgate.platform;

import java.math.BigDecimal;

/**
 * The one ceiling every amount is checked against (DESIGN §4): budgets, overrides, the effective
 * budget, and spend from LiteLLM or a webhook. 10^9 USD sits well inside every {@code NUMERIC}
 * column that stores such an amount or a figure derived from it (the narrowest, {@code max_budget}
 * and override amounts, hold up to 10^10; block_at is at most twice the effective budget).
 */
public final class AmountCeiling {
  /** USD 1,000,000,000.00. */
  public static final BigDecimal MAX = new BigDecimal("1000000000.00");

  /** How error messages name it. */
  public static final String TEXT = "1000000000.00";

  private AmountCeiling() {}

  /** True when the amount is above the ceiling. */
  public static boolean exceeded(BigDecimal amount) {
    return amount.compareTo(MAX) > 0;
  }
}
