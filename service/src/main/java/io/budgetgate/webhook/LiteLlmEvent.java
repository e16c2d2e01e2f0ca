package io.budgetgate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.platform.http.FieldError;
import io.budgetgate.platform.http.ValidationException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields of LiteLLM's {@code WebhookEvent} that BudgetGate uses; every other field (LiteLLM
 * sends them all, nulls included) is kept only in the stored raw payload.
 *
 * @param spend USD, >= 0 ({@code spend_tracked}: one request's cost, not the total)
 * @param event LiteLLM's event name
 * @param keyAlias the key's alias (BudgetGate sets it to the tenant id), or null
 * @param token the key's hash, or null
 * @param teamId LiteLLM team id, taken as a tenant id, or null
 */
@Schema(description = "The fields of LiteLLM's WebhookEvent that BudgetGate reads; others are kept in the raw payload. "
    + "One of key_alias, token or team_id finds the tenant.", requiredProperties = {"spend", "event"})
public record LiteLlmEvent(BigDecimal spend, String event, String keyAlias, String token, String teamId) {
  /** Events that report where a key stands against its budget. */
  static final Set<String> BUDGET_EVENTS = Set.of(
      "budget_crossed", "max_budget_alert", "soft_budget_crossed", "threshold_crossed", "projected_limit_exceeded");

  /** Reads and checks the fields, naming every problem at once (422). */
  public static LiteLlmEvent from(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ValidationException.of("body", "must be a JSON object (LiteLLM's WebhookEvent)");
    }
    List<FieldError> errors = new ArrayList<>();
    JsonNode spend = body.get("spend");
    BigDecimal amount = null;
    if (spend == null || spend.isNull() || !spend.isNumber()) {
      errors.add(new FieldError("spend", "is required and must be a number (USD)"));
    } else if (spend.isFloatingPointNumber() && !spend.isBigDecimal() && !Double.isFinite(spend.doubleValue())) {
      errors.add(new FieldError("spend", "must be a finite number")); // found by WebhookFuzzTest: 1e400
    } else if (spend.decimalValue().signum() < 0) {
      errors.add(new FieldError("spend", "must be 0 or more"));
    } else {
      amount = spend.decimalValue();
    }
    JsonNode event = body.get("event");
    if (event == null || !event.isTextual() || event.asText().isBlank()) {
      errors.add(new FieldError("event", "is required and must be a string (e.g. threshold_crossed)"));
    }
    String keyAlias = text(body, "key_alias", errors);
    String token = text(body, "token", errors);
    String teamId = text(body, "team_id", errors);
    if (keyAlias == null && token == null && teamId == null) {
      errors.add(new FieldError("key_alias", "one of key_alias, token or team_id is required to find the tenant"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new LiteLlmEvent(amount, event.asText(), keyAlias, token, teamId);
  }

  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      errors.add(new FieldError(field, "must be a string or null"));
      return null;
    }
    return node.asText().isBlank() ? null : node.asText();
  }
}
