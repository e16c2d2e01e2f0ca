package io.budgetgate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ValidationException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of LiteLLM's {@code WebhookEvent} that BudgetGate uses; every other field (LiteLLM
 * sends them all, nulls included) is kept only in the stored raw payload. Only a budget event of
 * the {@code key} group (or with no group, as older LiteLLM sends) describes a tenant's own spend:
 * LiteLLM puts the calling key's {@code token} into team, user and proxy events too, so those are
 * never scored as the tenant's, and {@code team_id} never finds a tenant.
 *
 * @param spend USD, 0 to the amount ceiling ({@code spend_tracked}: one request's cost, not the total)
 * @param event LiteLLM's event name
 * @param eventGroup LiteLLM's entity type ({@code key}, {@code team}, {@code proxy}...), or null
 * @param keyAlias the key's alias (BudgetGate sets it to the tenant id), or null
 * @param token the key's hash, or null
 */
@Schema(description = "The fields of LiteLLM's WebhookEvent that BudgetGate reads; others are kept in the raw payload. "
    + "Only event_group \"key\" (or none) budget events are about a tenant; key_alias or token finds it.",
    requiredProperties = {"spend", "event"})
public record LiteLlmEvent(BigDecimal spend, String event, String eventGroup, String keyAlias, String token) {
  /** Events that report where a key stands against its budget; their {@code spend} is the key's spend. */
  static final Set<String> BUDGET_EVENTS = Set.of(
      "budget_crossed", "max_budget_alert", "soft_budget_crossed", "threshold_crossed", "projected_limit_exceeded");

  /** Why an authenticated event is answered 200 {@code ignored}: a stable code, counted per code. */
  enum Ignored {
    /** Another entity's budget (team, user, proxy...): the key's token in it is only the caller's. */
    NOT_A_KEY_EVENT("not_a_key_event"),
    /** Not a budget event: {@code spend_tracked}, {@code key_created}, {@code key_rotated}... */
    NOT_A_BUDGET_EVENT("not_a_budget_event"),
    /** A key BudgetGate does not manage (answered only on the path-token endpoint; signed: 404). */
    UNKNOWN_KEY("unknown_key"),
    /** The tenant's own state is ok: nothing to alert. */
    BELOW_ALERT_THRESHOLD("below_alert_threshold");

    private final String code;

    Ignored(String code) {
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  /** Reads and checks the fields, naming every problem at once (422). */
  public static LiteLlmEvent from(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ValidationException.of("body", "must be a JSON object (LiteLLM's WebhookEvent)");
    }
    List<FieldError> errors = new ArrayList<>();
    BigDecimal amount = spend(body.get("spend"), errors);
    JsonNode event = body.get("event");
    if (event == null || !event.isTextual() || event.asText().isBlank()) {
      errors.add(new FieldError("event", "is required and must be a string (e.g. threshold_crossed)"));
    }
    String eventGroup = text(body, "event_group", errors);
    String keyAlias = text(body, "key_alias", errors);
    String token = text(body, "token", errors);
    if (errors.isEmpty() && keyAlias == null && token == null
        && isKeyGroup(eventGroup) && BUDGET_EVENTS.contains(event.asText())) {
      errors.add(new FieldError("key_alias", "one of key_alias or token is required to find the tenant of a key event"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new LiteLlmEvent(amount, event.asText(), eventGroup, keyAlias, token);
  }

  /** Why this event is not about a tenant's spend, if it is not; checked before any tenant is looked up. */
  Optional<Ignored> notATenantEvent() {
    if (!isKeyGroup(eventGroup)) {
      return Optional.of(Ignored.NOT_A_KEY_EVENT);
    }
    if (!BUDGET_EVENTS.contains(event)) {
      return Optional.of(Ignored.NOT_A_BUDGET_EVENT);
    }
    return Optional.empty();
  }

  private static boolean isKeyGroup(String eventGroup) {
    return eventGroup == null || eventGroup.equals("key");
  }

  /** A finite decimal from 0 to the amount ceiling; never a string, boolean or null read as 0. */
  private static BigDecimal spend(JsonNode spend, List<FieldError> errors) {
    if (spend == null || spend.isNull() || !spend.isNumber()) {
      errors.add(new FieldError("spend", "is required and must be a number (USD)"));
      return null;
    }
    if ((spend.isDouble() || spend.isFloat()) && !Double.isFinite(spend.doubleValue())) {
      errors.add(new FieldError("spend", "must be a finite number")); // found by WebhookFuzzTest: 1e400
      return null;
    }
    BigDecimal amount = spend.decimalValue();
    if (amount.signum() < 0) {
      errors.add(new FieldError("spend", "must be 0 or more"));
      return null;
    }
    if (AmountCeiling.exceeded(amount)) {
      errors.add(new FieldError("spend", "must be at most " + AmountCeiling.TEXT + " (the amount ceiling)"));
      return null;
    }
    return amount;
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
