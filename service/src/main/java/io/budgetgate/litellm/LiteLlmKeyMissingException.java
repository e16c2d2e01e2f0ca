package io.budgetgate.litellm;

/**
 * LiteLLM says the key does not exist: {@code /key/info} answers 404 {@code not_found_error},
 * {@code /key/update} a 401 {@code auth_error} naming the missing key (after LiteLLM's own
 * retries), {@code /key/delete} a 404. Not retried and not a LiteLLM outage: the key was deleted
 * outside BudgetGate and must be re-provisioned (ops-runbook/litellm-key-missing.md).
 */
public final class LiteLlmKeyMissingException extends LiteLlmRejectedException {
  private static final long serialVersionUID = 1L;

  public LiteLlmKeyMissingException(int status, String type, String message) {
    super(status, type, message);
  }
}
