package io.budgetgate.litellm;

/** A LiteLLM call that did not succeed; see the subclasses for which way it failed. */
public abstract class LiteLlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LiteLlmException(String message, Throwable cause) {
    super(message, cause);
  }
}
