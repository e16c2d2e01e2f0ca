package io.budgetgate.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ValidationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns Jackson's failures on a request body into our errors: unparseable JSON is 400
 * {@code malformed_json}; JSON of the wrong shape (a string where a number belongs, an unknown
 * field) is 422 {@code validation_failed} naming the field.
 */
public final class JsonInputExceptionMapper implements ExceptionMapper<JsonProcessingException> {

  @Override
  public Response toResponse(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping && !(e instanceof StreamReadException)) {
      String field = fieldPath(mapping.getPath());
      String message =
          mapping instanceof UnrecognizedPropertyException ? "is not a known field" : "has the wrong type or format";
      return new ServiceExceptionMapper()
          .toResponse(new ValidationException(List.of(new FieldError(field.isEmpty() ? "body" : field, message))));
    }
    return ApiError.response(
        Response.Status.BAD_REQUEST,
        "malformed_json",
        "the request body is not valid JSON: " + e.getOriginalMessage());
  }

  private static String fieldPath(List<JsonMappingException.Reference> path) {
    return path.stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
