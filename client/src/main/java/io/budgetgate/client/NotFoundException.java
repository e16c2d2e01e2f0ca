package io.budgetgate.client;

/** 404: {@code unknown_tenant} or {@code unknown_reservation} ({@link #code()} says which). */
public class NotFoundException extends BudgetGateException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String code, String message) {
    super(404, code, message, null, null);
  }
}
