package io.budgetgate.client;

import java.time.Duration;

/**
 * No decision could be had: BudgetGate did not answer in time, could not be reached, or answered
 * with a 5xx (e.g. 503 {@code litellm_unavailable} or {@code database_unavailable}). Whether to fail
 * open or closed is the caller's choice.
 */
public class BudgetGateUnavailableException extends BudgetGateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param status the 5xx status, or 0 when no answer arrived
   * @param code the service's code, or {@code no_answer}
   */
  public BudgetGateUnavailableException(int status, String code, String message, Duration retryAfter, Throwable cause) {
    super(status, code, message, retryAfter, cause);
  }
}
