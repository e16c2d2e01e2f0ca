package io.budgetgate.litellm.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The simulator's {@code LiteLLM_VerificationToken} table, in memory, rendered in the shapes of
 * LiteLLM's own answers: a key is found by its raw value or its SHA-256 hash (as
 * {@code _hash_token_if_needed} does), never by alias; the raw key is stored only as its hash.
 */
final class SimulatedKeys {
  private static final DateTimeFormatter PY_ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  /** One key row. */
  static final class Row {
    final String token;
    final String keyName;
    final String alias;
    final ObjectNode metadata;
    final Instant createdAt;
    BigDecimal spend = BigDecimal.ZERO;
    BigDecimal maxBudget;
    BigDecimal softBudget;
    String budgetId;
    String budgetDuration;
    Instant budgetResetAt;
    Instant updatedAt;

    Row(String token, String keyName, String alias, ObjectNode metadata, Instant createdAt) {
      this.token = token;
      this.keyName = keyName;
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

  /** LiteLLM's {@code hash_token}: SHA-256 hex. */
  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** LiteLLM's {@code _hash_token_if_needed}: a value starting {@code sk-} is a raw key, anything else a hash. */
  static String tokenOf(String keyOrHash) {
    return keyOrHash.startsWith("sk-") ? hash(keyOrHash) : keyOrHash;
  }

  String newKey() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  synchronized boolean aliasTaken(String alias) {
    return alias != null && byToken.values().stream().anyMatch(r -> alias.equals(r.alias));
  }

  synchronized Row create(String key, String alias, JsonNode metadata) {
    ObjectNode meta = metadata != null && metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : json.createObjectNode();
    Row row = new Row(hash(key), "sk-..." + key.substring(key.length() - 4), alias, meta, clock.instant());
    byToken.put(row.token, row);
    return row;
  }

  /** A key by its raw value or its hash, as LiteLLM's endpoints take it. */
  synchronized Optional<Row> find(String keyOrHash) {
    return keyOrHash == null ? Optional.empty() : Optional.ofNullable(byToken.get(tokenOf(keyOrHash)));
  }

  /** A key by alias: only the simulator's own control API uses this, LiteLLM's endpoints never do. */
  synchronized Optional<Row> byAlias(String alias) {
    return byToken.values().stream().filter(r -> alias.equals(r.alias)).findFirst();
  }

  synchronized boolean delete(Row row) {
    return byToken.remove(row.token) != null;
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

  /** Rows that pass the filters, newest first (LiteLLM orders by created_at desc, token desc). */
  synchronized List<Row> list(String keyAlias, String teamId, String userId) {
    List<Row> rows = new ArrayList<>();
    for (Row row : byToken.values()) {
      if ((keyAlias == null || keyAlias.equals(row.alias)) && teamId == null && userId == null) {
        rows.add(row); // the simulator's keys have no team or user: those filters match none
      }
    }
    rows.sort(Comparator.comparing((Row r) -> r.createdAt).thenComparing(r -> r.token).reversed());
    return rows;
  }

  /** {@code GenerateKeyResponse}: the raw key once; {@code soft_budget} and {@code budget_reset_at} are not its fields. */
  synchronized ObjectNode generateAnswer(String key, Row row) {
    ObjectNode out = json.createObjectNode();
    out.put("key_alias", row.alias);
    out.putNull("duration");
    out.putArray("models");
    out.put("spend", row.spend);
    putDecimal(out, "max_budget", row.maxBudget);
    out.putNull("user_id");
    out.putNull("team_id");
    out.putNull("max_parallel_requests");
    out.set("metadata", row.metadata.deepCopy());
    out.putNull("tpm_limit");
    out.putNull("rpm_limit");
    putText(out, "budget_duration", row.budgetDuration);
    out.putNull("blocked");
    out.put("key", key);
    putText(out, "budget_id", row.budgetId);
    out.put("key_name", row.keyName);
    out.putNull("expires");
    out.put("token_id", row.token);
    out.putNull("organization_id");
    out.set("litellm_budget_table", budgetTable(row));
    out.put("token", row.token);
    out.putNull("created_by");
    out.putNull("updated_by");
    out.put("created_at", PY_ISO.format(row.createdAt));
    out.put("updated_at", PY_ISO.format(row.updatedAt));
    return out;
  }

  /** {@code /key/info}: {@code key} exactly as the caller sent it, the row (without its token) under {@code info}. */
  synchronized ObjectNode infoAnswer(String keyAsSent, Row row) {
    ObjectNode info = columns(row);
    info.remove("token");
    info.set("litellm_budget_table", budgetTable(row));
    info.putNull("object_permission");
    ObjectNode out = json.createObjectNode();
    out.put("key", keyAsSent);
    out.set("info", info);
    return out;
  }

  /** {@code /key/update}: flat, {@code key} as sent, then every column of the updated row (token included). */
  synchronized ObjectNode updateAnswer(String keyAsSent, Row row) {
    ObjectNode out = json.createObjectNode();
    out.put("key", keyAsSent);
    out.setAll(columns(row));
    return out;
  }

  /** A {@code /key/list} row with {@code return_full_object=true} ({@code UserAPIKeyAuth}: token included, org_id renamed). */
  synchronized ObjectNode listRow(Row row) {
    ObjectNode out = columns(row);
    out.remove("organization_id");
    out.putNull("org_id");
    out.putNull("api_key");
    out.putNull("team_alias");
    out.putNull("soft_budget");
    return out;
  }

  /** Token hashes only, as {@code /key/list} answers without {@code return_full_object}. */
  ArrayNode tokens(List<Row> rows) {
    ArrayNode out = json.createArrayNode();
    rows.forEach(r -> out.add(r.token));
    return out;
  }

  private ObjectNode columns(Row row) {
    ObjectNode info = json.createObjectNode();
    info.put("token", row.token);
    info.put("key_name", row.keyName);
    info.put("key_alias", row.alias);
    info.put("soft_budget_cooldown", false);
    info.put("spend", row.spend);
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
    putDecimal(info, "max_budget", row.maxBudget);
    putText(info, "budget_duration", row.budgetDuration);
    putText(info, "budget_reset_at", row.budgetResetAt == null ? null : PY_ISO.format(row.budgetResetAt));
    info.putObject("model_spend");
    info.putObject("model_max_budget");
    putText(info, "budget_id", row.budgetId);
    info.putNull("budget_limits");
    info.put("created_at", PY_ISO.format(row.createdAt));
    info.putNull("created_by");
    info.put("updated_at", PY_ISO.format(row.updatedAt));
    info.putNull("updated_by");
    info.putNull("last_active");
    return info;
  }

  /** The linked {@code LiteLLM_BudgetTable} row that holds a soft budget (there is none without one). */
  private JsonNode budgetTable(Row row) {
    if (row.budgetId == null) {
      return json.nullNode();
    }
    ObjectNode table = json.createObjectNode();
    table.put("budget_id", row.budgetId);
    putDecimal(table, "soft_budget", row.softBudget);
    table.putNull("max_budget");
    table.putNull("budget_duration");
    return table;
  }

  static String newBudgetId() {
    return UUID.randomUUID().toString();
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
