package io.budgetgate.platform.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers an {@link ApiException} with its status and {@link ApiError} body. */
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionMapper.class);

  @Override
  public Response toResponse(ApiException e) {
    if (e.status() >= 500) {
      LOG.warn("answering {} {}: {}", e.status(), e.error(), e.getMessage());
    }
    return Response.status(e.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError(e.status(), e.error(), e.getMessage(), e.details()))
        .build();
  }
}
