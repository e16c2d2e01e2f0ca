package io.budgetgate.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's key table, kept in memory, rendered in the JSON shapes LiteLLM itself uses
 * ({@code LiteLLM_VerificationToken} rows, flat update answers).
 */
final class SimulatedKeys {
  private static final DateTimeFormatter PY_ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  /** One key row. */
  static final class Row {
    final String key;
    final String token;
    final String alias;
    final ObjectNode metadata;
    final Instant createdAt;
    BigDecimal spend = BigDecimal.ZERO;
    BigDecimal maxBudget;
    String budgetDuration;
    Instant budgetResetAt;
    Instant updatedAt;

    Row(String key, String token, String alias, ObjectNode metadata, Instant createdAt) {
      this.key = key;
      this.token = token;
      this.alias = alias;
      this.metadata = metadata;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
    }
  }

  private final Map<String, Row> byToken = new LinkedHashMap<>();
  private final ObjectMapper json;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SimulatedKeys(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized boolean aliasTaken(String alias) {
    return alias != null && byToken.values().stream().anyMatch(r -> alias.equals(r.alias));
  }

  synchronized Row create(String alias, BigDecimal maxBudget, String budgetDuration, JsonNode metadata) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return create("sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), alias, maxBudget, budgetDuration, metadata);
  }

  synchronized Row create(String key, String alias, BigDecimal maxBudget, String budgetDuration, JsonNode metadata) {
    ObjectNode meta = metadata != null && metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : json.createObjectNode();
    Row row = new Row(key, hash(key), alias, meta, clock.instant());
    row.maxBudget = maxBudget;
    row.budgetDuration = budgetDuration;
    byToken.put(row.token, row);
    return row;
  }

  /** A key by its raw value, its hash or (for tests) its alias. */
  synchronized Optional<Row> find(String keyOrHash) {
    if (keyOrHash == null) {
      return Optional.empty();
    }
    Row direct = byToken.get(keyOrHash.startsWith("sk-") ? hash(keyOrHash) : keyOrHash);
    if (direct != null) {
      return Optional.of(direct);
    }
    return byToken.values().stream().filter(r -> keyOrHash.equals(r.alias)).findFirst();
  }

  synchronized boolean delete(String keyOrHash) {
    return find(keyOrHash).map(r -> byToken.remove(r.token) != null).orElse(false);
  }

  synchronized void touch(Row row) {
    row.updatedAt = clock.instant();
  }

  synchronized void clear() {
    byToken.clear();
  }

  synchronized int size() {
    return byToken.size();
  }

  ObjectNode generateAnswer(Row row) {
    synchronized (this) {
      ObjectNode out = json.createObjectNode();
      out.put("key", row.key);
      out.put("key_name", keyName(row.key));
      out.put("token", row.token);
      out.put("token_id", row.token);
      out.put("key_alias", row.alias);
      out.putNull("expires");
      out.putArray("models");
      out.put("spend", row.spend);
      putDecimal(out, "max_budget", row.maxBudget);
      out.putNull("soft_budget");
      putText(out, "budget_duration", row.budgetDuration);
      out.putNull("budget_id");
      out.putNull("litellm_budget_table");
      out.putNull("user_id");
      out.putNull("team_id");
      out.set("metadata", row.metadata.deepCopy());
      out.putNull("tpm_limit");
      out.putNull("rpm_limit");
      out.put("created_by", "simulator");
      out.put("created_at", PY_ISO.format(row.createdAt));
      out.put("updated_at", PY_ISO.format(row.updatedAt));
      return out;
    }
  }

  ObjectNode infoAnswer(Row row) {
    synchronized (this) {
      ObjectNode info = json.createObjectNode();
      info.put("key_name", keyName(row.key));
      info.put("key_alias", row.alias);
      info.put("soft_budget_cooldown", false);
      info.put("spend", row.spend);
      putDecimal(info, "max_budget", row.maxBudget);
      putText(info, "budget_duration", row.budgetDuration);
      putText(info, "budget_reset_at", row.budgetResetAt == null ? null : PY_ISO.format(row.budgetResetAt));
      info.putNull("expires");
      info.putArray("models");
      info.putObject("aliases");
      info.putObject("config");
      info.putNull("user_id");
      info.putNull("team_id");
      info.putNull("organization_id");
      info.putNull("project_id");
      info.putObject("permissions");
      info.putNull("max_parallel_requests");
      info.set("metadata", row.metadata.deepCopy());
      info.putNull("blocked");
      info.putNull("tpm_limit");
      info.putNull("rpm_limit");
      info.putObject("model_spend");
      info.putObject("model_max_budget");
      info.putNull("budget_id");
      info.putNull("litellm_budget_table");
      info.put("created_at", PY_ISO.format(row.createdAt));
      info.put("updated_at", PY_ISO.format(row.updatedAt));
      info.putNull("last_active");
      info.putNull("object_permission");
      ObjectNode out = json.createObjectNode();
      out.put("key", row.token);
      out.set("info", info);
      return out;
    }
  }

  private static String keyName(String key) {
    return "sk-..." + key.substring(key.length() - 4);
  }

  private static void putDecimal(ObjectNode node, String field, BigDecimal value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static void putText(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

}
