package io.budgetgate.platform.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort: logs an unexpected failure with an id and answers 500 {@code internal_error}
 * quoting that id, so an operator can find the stack trace without the caller seeing it.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    String id = UUID.randomUUID().toString();
    LOG.error("unexpected failure, error id {}", id, e);
    return ApiError.response(
        Response.Status.INTERNAL_SERVER_ERROR,
        "internal_error",
        "unexpected failure; the service log has the details under error id " + id);
  }
}
