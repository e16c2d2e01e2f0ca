package io.budgetgate.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyPage;
import io.budgetgate.litellm.api.ListedKey;
import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.Redaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code /key/info}'s answer: the budget fields sit under {@code info}; nulls, missing
 * fields and unknown extra fields are all normal there, except for {@code spend}: LiteLLM's
 * column is {@code Float @default(0.0)}, so anything but a finite number is a fault and fails the
 * read ({@link LiteLlmBadAnswerException}), never a spend of 0. A spend above the amount ceiling
 * is held at the ceiling, so the tenant is blocked rather than the read failing.
 */
final class KeyInfoParser {
  private static final Logger LOG = LoggerFactory.getLogger(KeyInfoParser.class);

  private KeyInfoParser() {}

  static KeyInfo parse(JsonNode root) {
    JsonNode info = root.path("info");
    if (!info.isObject()) {
      throw new LiteLlmBadAnswerException("LiteLLM /key/info answered without an 'info' object");
    }
    String alias = text(info.get("key_alias"));
    return new KeyInfo(
        alias,
        spend(info.get("spend"), alias),
        decimal(info.get("max_budget")),
        text(info.get("budget_duration")),
        instant(info.get("budget_reset_at")));
  }

  /** A {@code /key/list} page with full rows; rows without a token or with an unreadable spend are counted, not kept. */
  static KeyPage parsePage(JsonNode root) {
    JsonNode rows = root.path("keys");
    if (!rows.isArray()) {
      throw new LiteLlmBadAnswerException("LiteLLM /key/list answered without a 'keys' list");
    }
    List<ListedKey> keys = new ArrayList<>();
    int unreadable = 0;
    for (JsonNode row : rows) {
      String token = row.isObject() ? text(row.get("token")) : null;
      if (token == null) {
        unreadable++;
        continue;
      }
      try {
        String alias = text(row.get("key_alias"));
        keys.add(new ListedKey(token, new KeyInfo(alias, spend(row.get("spend"), alias), decimal(row.get("max_budget")),
            text(row.get("budget_duration")), instant(row.get("budget_reset_at")))));
      } catch (LiteLlmBadAnswerException e) {
        LOG.warn("{}", e.getMessage().replace("/key/info", "/key/list"));
        unreadable++;
      }
    }
    return new KeyPage(keys, unreadable, root.path("total_pages").asInt(0));
  }

  /** The spend, or a bad answer saying what was there instead. */
  static BigDecimal spend(JsonNode node, String alias) {
    if (node == null || node.isMissingNode()) {
      throw badSpend("has no spend field", alias);
    }
    if (!node.isNumber()) {
      String shown = node.isNull() ? "null" : node.getNodeType().name().toLowerCase(Locale.ROOT) + " "
          + Redaction.redact(abbreviate(node.toString()));
      throw badSpend("has a spend that is not a number (" + shown + ")", alias);
    }
    if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
      throw badSpend("has a spend that is not finite (" + node.asText() + ")", alias);
    }
    BigDecimal spend = node.decimalValue();
    if (AmountCeiling.exceeded(spend)) {
      LOG.warn("LiteLLM reports spend {} for key alias {}, above the amount ceiling; held at {} (the tenant is blocked)",
          abbreviate(spend.toString()), alias, AmountCeiling.TEXT);
      return AmountCeiling.MAX;
    }
    return spend;
  }

  private static LiteLlmBadAnswerException badSpend(String what, String alias) {
    return new LiteLlmBadAnswerException("LiteLLM /key/info for key alias " + alias + " " + what
        + ": treated as a failed read, not as a spend of 0");
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
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
