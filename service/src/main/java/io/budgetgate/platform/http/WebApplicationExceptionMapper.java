package io.budgetgate.platform.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;

/** Gives Jersey's own errors (unknown path, wrong method, wrong media type) our error body. */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  private static final Map<Integer, String> CODES =
      Map.of(
          400, "bad_request",
          401, "unauthorized",
          403, "forbidden",
          404, "not_found",
          405, "method_not_allowed",
          406, "not_acceptable",
          413, "payload_too_large",
          415, "unsupported_media_type");

  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original.getStatus();
    String code = CODES.getOrDefault(status, status >= 500 ? "internal_error" : "http_error");
    String message = e.getMessage() == null ? original.getStatusInfo().getReasonPhrase() : e.getMessage();
    Response.ResponseBuilder builder =
        Response.fromResponse(ApiError.response(original.getStatusInfo(), code, message));
    if (original.getHeaderString("Allow") != null) {
      builder.header("Allow", original.getHeaderString("Allow"));
    }
    return builder.build();
  }
}
