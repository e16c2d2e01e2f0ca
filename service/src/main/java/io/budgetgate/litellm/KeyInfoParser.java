package io.budgetgate.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.litellm.api.KeyInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code /key/info}'s answer: the budget fields sit under {@code info}; nulls, missing
 * fields and unknown extra fields are all normal there.
 */
final class KeyInfoParser {
  private static final Logger LOG = LoggerFactory.getLogger(KeyInfoParser.class);

  private KeyInfoParser() {}

  static KeyInfo parse(JsonNode root) {
    JsonNode info = root.path("info");
    if (!info.isObject()) {
      throw new LiteLlmUnavailableException("LiteLLM /key/info answered without an 'info' object", null);
    }
    BigDecimal spend = decimal(info.get("spend"));
    return new KeyInfo(
        text(info.get("key_alias")),
        spend == null ? BigDecimal.ZERO : spend,
        decimal(info.get("max_budget")),
        text(info.get("budget_duration")),
        instant(info.get("budget_reset_at")));
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static BigDecimal decimal(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    try {
      return new BigDecimal(node.asText().trim());
    } catch (NumberFormatException e) {
      LOG.warn("LiteLLM sent a non-numeric amount '{}'; treating it as absent", node.asText());
      return null;
    }
  }

  /** LiteLLM writes timestamps with an offset, with 'Z', or (older releases) without a zone. */
  static Instant instant(JsonNode node) {
    String value = text(node);
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.trim().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        LOG.warn("LiteLLM sent an unreadable timestamp '{}'; treating it as absent", value);
        return null;
      }
    }
  }
}
