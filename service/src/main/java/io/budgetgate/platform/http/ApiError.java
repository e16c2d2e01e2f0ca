package io.budgetgate.platform.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error answer: the HTTP status again, a stable snake_case machine code, a
 * sentence for people, and optional structured details.
 *
 * @param code HTTP status code
 * @param error stable machine code, e.g. {@code validation_failed}, {@code unknown_tenant}
 * @param message what went wrong and, where it helps, what to do
 * @param details optional structured data (e.g. the invalid fields)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Every error body: the status again, a stable snake_case code, a sentence, optional details",
    requiredProperties = {"code", "error", "message"})
public record ApiError(int code, String error, String message, Object details) {

  /** A JSON error response with this status, code and message. */
  public static Response response(Response.StatusType status, String error, String message) {
    return response(status, error, message, null);
  }

  /** A JSON error response with details. */
  public static Response response(
      Response.StatusType status, String error, String message, Object details) {
    return Response.status(status.getStatusCode())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError(status.getStatusCode(), error, message, details))
        .build();
  }
}
