package io.budgetgate.litellm;

/**
 * LiteLLM answered with a 4xx: the request itself was refused, so retrying cannot help.
 * {@link #type()} is LiteLLM's {@code error.type} (e.g. {@code not_found_error},
 * {@code budget_exceeded}, {@code auth_error}).
 */
public class LiteLlmRejectedException extends LiteLlmException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  public LiteLlmRejectedException(int status, String type, String message) {
    super("LiteLLM refused the call with " + status + " " + type + ": " + message, null);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }
}
