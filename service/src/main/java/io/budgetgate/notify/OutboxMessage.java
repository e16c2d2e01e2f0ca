package io.budgetgate.notify;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;

/**
 * What one outbox row says, as written when it was queued ({@code notification_outbox.message}):
 * an alert's figures or a reset notice's, never both. Kept with the row so a retry after a budget
 * change still says what was true when the alert was raised.
 */
record OutboxMessage(
    @JsonProperty("alert") MessageRenderer.Figures alert,
    @JsonProperty("reset") MessageRenderer.ResetFigures reset) {
  private static final ObjectMapper JSON = Jackson.newObjectMapper();

  static OutboxMessage of(MessageRenderer.Figures alert) {
    return new OutboxMessage(alert, null);
  }

  static OutboxMessage of(MessageRenderer.ResetFigures reset) {
    return new OutboxMessage(null, reset);
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an outbox message", e);
    }
  }

  static OutboxMessage parse(String json) {
    try {
      return JSON.readValue(json, OutboxMessage.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an outbox message that cannot be read: " + e.getOriginalMessage(), e);
    }
  }
}
