package io.budgetgate.rules;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A budget and its two thresholds, with the amounts at which they trip. Exact: multiplying by a
 * whole percent and dividing by 100 always terminates, so nothing is rounded.
 *
 * @param effectiveBudget USD: max budget plus active overrides
 * @param alertThreshold percent at which the state becomes warning
 * @param graceThreshold percent at which calls are blocked
 */
public record BudgetLimits(BigDecimal effectiveBudget, int alertThreshold, int graceThreshold) {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  public BudgetLimits {
    Objects.requireNonNull(effectiveBudget, "effectiveBudget");
  }

  /** USD spend at which alerts start. */
  public BigDecimal alertAt() {
    return percentOf(alertThreshold);
  }

  /** USD spend at which calls are refused; also the LiteLLM key's max_budget. */
  public BigDecimal blockAt() {
    return percentOf(graceThreshold);
  }

  private BigDecimal percentOf(int percent) {
    BigDecimal exact = effectiveBudget.multiply(BigDecimal.valueOf(percent)).divide(HUNDRED).stripTrailingZeros();
    return exact.setScale(Math.max(2, exact.scale())); // at least cents, never rounded
  }
}
