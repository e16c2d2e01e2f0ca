package io.budgetgate.platform.errors;

/**
 * A failure with a defined answer for the caller, thrown by services and jobs: what kind of failure
 * it is, a stable machine code ({@code error}), a message that says what to do, and details.
 * Knows nothing of HTTP: {@code platform.http.ServiceExceptionMapper} turns the kind into a status
 * and the whole into the error body.
 */
public class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as the caller must understand it. */
  public enum Kind {
    /** The request cannot be read (not JSON, say). */
    MALFORMED,
    /** The caller did not prove who it is (a webhook's signature, say). */
    UNAUTHENTICATED,
    /** The thing asked about does not exist. */
    NOT_FOUND,
    /** It clashes with what exists (a tenant id taken, a key LiteLLM does not have). */
    CONFLICT,
    /** The body is larger than accepted. */
    TOO_LARGE,
    /** The body's content type is not one accepted. */
    UNSUPPORTED_TYPE,
    /** One or more fields hold values that are not allowed. */
    INVALID,
    /** A dependency (LiteLLM) refused what was asked of it. */
    DEPENDENCY_REFUSED,
    /** A dependency (LiteLLM, PostgreSQL) cannot be reached now; trying again later may work. */
    UNAVAILABLE,
    /** BudgetGate's own stored data cannot be used (a sealed key that does not open): an operator must act. */
    INTERNAL
  }

  private final Kind kind;
  private final String error;
  private final transient Object details;

  public ServiceException(Kind kind, String error, String message) {
    this(kind, error, message, null, null);
  }

  public ServiceException(Kind kind, String error, String message, Object details, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.error = error;
    this.details = details;
  }

  public static ServiceException notFound(String error, String message) {
    return new ServiceException(Kind.NOT_FOUND, error, message);
  }

  public static ServiceException conflict(String error, String message) {
    return new ServiceException(Kind.CONFLICT, error, message);
  }

  public static ServiceException unavailable(String error, String message, Throwable cause) {
    return new ServiceException(Kind.UNAVAILABLE, error, message, null, cause);
  }

  public Kind kind() {
    return kind;
  }

  public String error() {
    return error;
  }

  public Object details() {
    return details;
  }
}
