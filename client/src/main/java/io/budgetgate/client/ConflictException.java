package io.budgetgate.client;

/**
 * 409: {@code reservation_settled} (settled before with another amount, or released after a settle),
 * {@code reservation_released} (a settle after a release), {@code request_id_reused} (the same
 * request id with another estimate) or {@code litellm_key_missing}.
 */
public class ConflictException extends BudgetGateException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String code, String message) {
    super(409, code, message, null, null);
  }
}
