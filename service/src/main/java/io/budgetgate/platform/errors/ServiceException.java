package io.budgetgate.platform.http;

import jakarta.ws.rs.core.Response;

/**
 * A failure that has a defined answer for the caller; thrown by services and turned into an
 * {@link ApiError} response by {@link ApiExceptionMapper}.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient Object details;

  public ApiException(Response.StatusType status, String error, String message) {
    this(status, error, message, null, null);
  }

  public ApiException(
      Response.StatusType status, String error, String message, Object details, Throwable cause) {
    super(message, cause);
    this.status = status.getStatusCode();
    this.error = error;
    this.details = details;
  }

  public static ApiException notFound(String error, String message) {
    return new ApiException(Response.Status.NOT_FOUND, error, message);
  }

  public static ApiException conflict(String error, String message) {
    return new ApiException(Response.Status.CONFLICT, error, message);
  }

  public static ApiException unavailable(String error, String message, Throwable cause) {
    return new ApiException(Response.Status.SERVICE_UNAVAILABLE, error, message, null, cause);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public Object details() {
    return details;
  }
}
