package io.budgetgate.litellm;

/**
 * LiteLLM could not be reached or failed on its side (timeout, refused or dropped connection,
 * 5xx), after the client's retries. Worth trying again later.
 */
public final class LiteLlmUnavailableException extends LiteLlmException {
  private static final long serialVersionUID = 1L;

  public LiteLlmUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
