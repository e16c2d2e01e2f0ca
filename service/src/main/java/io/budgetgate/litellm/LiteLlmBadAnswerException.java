package io.budgetgate.litellm;

/**
 * LiteLLM answered 2xx, but with something BudgetGate must not act on: no {@code info} object, or
 * a spend that is not a finite number. A failed read like any other (the decision answers stale,
 * fail-open or fail-closed), never a spend of 0, and not retried: the same row gives the same answer.
 */
public final class LiteLlmBadAnswerException extends LiteLlmException {
  private static final long serialVersionUID = 1L;

  public LiteLlmBadAnswerException(String message) {
    super(message, null);
  }
}
