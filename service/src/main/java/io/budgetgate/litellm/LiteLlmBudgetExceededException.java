package io.budgetgate.litellm;

/**
 * LiteLLM's own budget stop: {@code error.type == "budget_exceeded"}, sent with status 400 by
 * older releases and 429 by newer ones.
 */
public final class LiteLlmBudgetExceededException extends LiteLlmRejectedException {
  private static final long serialVersionUID = 1L;

  public LiteLlmBudgetExceededException(int status, String message) {
    super(status, "budget_exceeded", message);
  }
}
