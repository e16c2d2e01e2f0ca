package io.budgetgate.webhook.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * The answer to an accepted webhook delivery.
 *
 * @param status {@code accepted} (an alert was stored), {@code ignored} (nothing to alert), or {@code duplicate} (this webhook-id was seen before; nothing changed)
 * @param alertId the stored alert, when accepted
 * @param level its level, when accepted
 * @param notified whether notifications were queued (false when suppressed as a duplicate alert or without recipients)
 * @param reason why it was ignored, a stable code: {@code not_a_key_event} (a team, user, proxy... budget),
 *     {@code not_a_budget_event} ({@code spend_tracked}, {@code key_created}...), {@code unknown_key} (path-token
 *     endpoint only: a key BudgetGate does not manage), {@code below_alert_threshold}
 * @param message the same, for a person
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookReply(String status, UUID alertId, String level, Boolean notified, String reason, String message) {

  public static WebhookReply ignored(String reason, String message) {
    return new WebhookReply("ignored", null, null, null, reason, message);
  }

  public static WebhookReply duplicate() {
    return new WebhookReply("duplicate", null, null, null, null, null);
  }
}
