package io.budgetgate.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.budgetgate.budget.api.AccessRequest;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import jakarta.ws.rs.core.MediaType;

/**
 * The optional body of llm-access: none (or blank) is null; otherwise JSON, or 415 when sent as
 * something else, 400 {@code malformed_json} when it is not JSON, 422 naming a field that is
 * unknown or of the wrong type.
 */
final class AccessRequestParser {
  private AccessRequestParser() {}

  static AccessRequest parse(ObjectMapper json, String body, MediaType type) {
    if (body == null || body.isBlank()) {
      return null;
    }
    if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
      throw new ServiceException(ServiceException.Kind.UNSUPPORTED_TYPE, "unsupported_media_type",
          "an llm-access body must be sent as application/json (or left out)");
    }
    try {
      return json.readValue(body, AccessRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw ValidationException.of(e.getPropertyName(), "is not a field of llm-access (estimated_cost, request_id, hold_seconds)");
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      if (field == null) {
        throw ValidationException.of("body", "must be a JSON object with estimated_cost, request_id, hold_seconds");
      }
      throw ValidationException.of(field, "has the wrong type (estimated_cost: a decimal or a decimal string, "
          + "request_id: a string, hold_seconds: an integer)");
    } catch (JsonProcessingException e) {
      throw new ServiceException(ServiceException.Kind.MALFORMED, "malformed_json",
          "the llm-access body is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
