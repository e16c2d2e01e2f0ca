package io.budgetgate.platform.http;

import io.budgetgate.platform.errors.ServiceException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a {@link ServiceException} with the status of its kind and the {@link ApiError} body. */
public final class ServiceExceptionMapper implements ExceptionMapper<ServiceException> {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceExceptionMapper.class);

  @Override
  public Response toResponse(ServiceException e) {
    int status = status(e.kind());
    if (status >= 500) {
      LOG.warn("answering {} {}: {}", status, e.error(), e.getMessage());
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError(status, e.error(), e.getMessage(), e.details()))
        .build();
  }

  /** The HTTP status that answers a failure of this kind (docs/api.md lists the codes). */
  public static int status(ServiceException.Kind kind) {
    return switch (kind) {
      case MALFORMED -> 400;
      case UNAUTHENTICATED -> 401;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_TYPE -> 415;
      case INVALID -> 422;
      case DEPENDENCY_REFUSED -> 502;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }
}
