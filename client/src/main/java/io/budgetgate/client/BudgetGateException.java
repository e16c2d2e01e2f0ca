package io.budgetgate.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Any answer of BudgetGate that is not a success, or no answer at all: the HTTP status, the
 * service's machine code and its sentence. Subclasses name the cases a caller handles on their own.
 */
public class BudgetGateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Duration retryAfter;

  /**
   * @param status the HTTP status, 0 when no answer arrived
   * @param code the service's stable machine code ({@code error} of the body), or one of this client's
   *     ({@code unexpected_answer}, {@code no_answer})
   * @param message the service's sentence (never a key or token)
   * @param retryAfter the {@code Retry-After} the answer carried, or null
   * @param cause what failed underneath, or null
   */
  public BudgetGateException(int status, String code, String message, Duration retryAfter, Throwable cause) {
    super(message + (status > 0 ? " (HTTP " + status + " " + code + ")" : " (" + code + ")"), cause);
    this.status = status;
    this.code = Objects.requireNonNull(code, "code");
    this.retryAfter = retryAfter;
  }

  /** The HTTP status of the answer; 0 when no answer arrived (timeout, refused connection). */
  public int status() {
    return status;
  }

  /** The service's machine code, e.g. {@code budget_exceeded}, {@code unknown_tenant}, {@code validation_failed}. */
  public String code() {
    return code;
  }

  /** How long the service asked to wait before trying again ({@code Retry-After} in seconds), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
