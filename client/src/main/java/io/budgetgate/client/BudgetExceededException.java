package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * 402 {@code budget_exceeded}: the tenant may not make this call now. {@link #reason()} says whether
 * to wait for the budget reset ({@link RefusalReason#BLOCKED}, with {@link #retryAfter()} when a
 * reset is scheduled) or for other calls to settle ({@link RefusalReason#INSUFFICIENT_HEADROOM}).
 */
public class BudgetExceededException extends BudgetGateException {
  private static final long serialVersionUID = 1L;

  private final RefusalReason reason;
  private final transient BudgetStatus budget;
  private final BigDecimal estimatedCost;

  /**
   * @param message the service's sentence (names the tenant, spend, limit, headroom, reset)
   * @param reason why; {@link RefusalReason#UNKNOWN} when the answer did not say
   * @param budget the budget status the refusal was judged on, or null when the answer had none
   * @param estimatedCost the estimate judged, or null
   * @param retryAfter the {@code Retry-After}, or null
   */
  public BudgetExceededException(String message, RefusalReason reason, BudgetStatus budget, BigDecimal estimatedCost,
      Duration retryAfter) {
    super(402, "budget_exceeded", message, retryAfter, null);
    this.reason = reason;
    this.budget = budget;
    this.estimatedCost = estimatedCost;
  }

  /** Why the call is refused. */
  public RefusalReason reason() {
    return reason;
  }

  /** The budget status behind the refusal: spend, block_at, reserved, headroom, reset. */
  public Optional<BudgetStatus> budget() {
    return Optional.ofNullable(budget);
  }

  /** The estimate the service judged. */
  public Optional<BigDecimal> estimatedCost() {
    return Optional.ofNullable(estimatedCost);
  }
}
