package io.budgetgate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Reads BudgetGate's answers: a success into its value, every failure into the exception for its
 * status (docs/api.md; the error body is the service's {@code ApiError}). Messages quote error
 * bodies only, never a success body, which may carry the tenant's key.
 */
final class AnswerReader {
  static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .addModule(new JavaTimeModule())
      .build();

  private static final int EXCERPT = 120;

  private final Transport transport;

  AnswerReader(Transport transport) {
    this.transport = transport;
  }

  /** The success body as {@code type}, or {@link BudgetGateException} {@code unexpected_answer}. */
  <T> T value(HttpAnswer answer, Class<T> type) {
    try {
      T value = JSON.readValue(answer.body(), type);
      if (value == null) {
        throw unexpected(answer, "an empty body");
      }
      return value;
    } catch (JsonMappingException e) {
      throw unexpected(answer, "a body that does not fit " + type.getSimpleName() + " at " + e.getPathReference());
    } catch (JsonProcessingException e) {
      throw unexpected(answer, "a body that is not JSON (" + answer.body().length() + " characters, "
          + blankOr(answer.contentType(), "no content type") + ")");
    }
  }

  /** A success that lacks what it must carry. */
  BudgetGateException unexpected(HttpAnswer answer, String what) {
    return new BudgetGateException(answer.status(), "unexpected_answer", "BudgetGate answered " + answer.status() + " to "
        + answer.request() + " with " + what, null, null);
  }

  /** The exception a failed answer stands for. */
  BudgetGateException failure(HttpAnswer answer) {
    Duration retryAfter = retryAfter(answer.retryAfter());
    JsonNode body = errorBody(answer.body());
    int status = answer.status();
    if (body == null) {
      String message = "BudgetGate answered " + status + " to " + answer.request() + " with a body that is not a "
          + "BudgetGate error (" + describe(answer) + ")";
      if (status == 402) {
        return new BudgetExceededException(message, RefusalReason.UNKNOWN, null, null, retryAfter);
      }
      if (status >= 500) {
        return new BudgetGateUnavailableException(status, "unexpected_answer", message, retryAfter, null);
      }
      return new BudgetGateException(status, "unexpected_answer", message, retryAfter, null);
    }
    String code = body.get("error").asText();
    String message = transport.redact(body.path("message").asText(code));
    if (status == 402) {
      return refusal(message, body.path("details"), retryAfter);
    }
    if (status == 404) {
      return new NotFoundException(code, message);
    }
    if (status == 409) {
      return new ConflictException(code, message);
    }
    if (status >= 500) {
      return new BudgetGateUnavailableException(status, code, message, retryAfter, null);
    }
    return new BudgetGateException(status, code, message, retryAfter, null);
  }

  private static BudgetExceededException refusal(String message, JsonNode details, Duration retryAfter) {
    BudgetStatus budget = null;
    if (details.isObject()) {
      try {
        budget = JSON.treeToValue(details, BudgetStatus.class);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        budget = null; // the refusal stands without its figures
      }
    }
    JsonNode estimate = details.path("estimated_cost");
    BigDecimal estimatedCost = estimate.isNumber() ? estimate.decimalValue() : null;
    return new BudgetExceededException(message, RefusalReason.of(details.path("reason").asText(null)), budget,
        estimatedCost, retryAfter);
  }

  /** The {@code {"code", "error", "message", "details"?}} object, or null when the body is not one. */
  private static JsonNode errorBody(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() && node.path("error").isTextual() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** {@code Retry-After} in seconds, the only form BudgetGate sends; a date or garbage is ignored. */
  static Duration retryAfter(String header) {
    if (header == null || !header.trim().matches("\\d{1,12}")) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(header.trim()));
  }

  private String describe(HttpAnswer answer) {
    String body = transport.redact(answer.body()).strip();
    if (body.isEmpty()) {
      return "empty, " + blankOr(answer.contentType(), "no content type");
    }
    String excerpt = body.length() > EXCERPT ? body.substring(0, EXCERPT) + "…" : body;
    return blankOr(answer.contentType(), "no content type") + ", " + body.length() + " characters: \""
        + excerpt.replaceAll("\\p{Cntrl}+", " ") + "\"";
  }

  private static String blankOr(String text, String otherwise) {
    return text == null || text.isBlank() ? otherwise : text;
  }
}
