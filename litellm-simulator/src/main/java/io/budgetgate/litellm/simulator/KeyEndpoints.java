package io.budgetgate.litellm.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * LiteLLM's key endpoints as {@code key_management_endpoints.py} answers them: the edges BudgetGate
 * once got wrong are written out here (reference/litellm-api.md §7): {@code /key/info} echoes the
 * {@code key} parameter as sent; {@code /key/update} of a missing key is a 401 {@code auth_error}
 * after LiteLLM's own retries; a duplicate alias is 400; {@code /key/delete} prefers {@code keys}
 * and echoes the list sent; {@code /key/list} pages by 1-based {@code page} and {@code size} up to 100.
 */
final class KeyEndpoints {
  private static final int MAX_PAGE_SIZE = 100;

  private final SimulatedKeys keys;
  private final SimulatorHttp http;
  private final ObjectMapper json;
  private final Clock clock;
  private volatile Duration missingKeyLookupDelay;

  KeyEndpoints(SimulatedKeys keys, SimulatorHttp http, ObjectMapper json, Clock clock, Duration missingKeyLookupDelay) {
    this.keys = keys;
    this.http = http;
    this.json = json;
    this.clock = clock;
    this.missingKeyLookupDelay = missingKeyLookupDelay;
  }

  /**
   * How long {@code /key/update} takes to say a key is missing: {@code PrismaClient.get_data} retries
   * the miss under {@code @backoff.on_exception(expo, max_tries=3)} with full jitter, sleeping
   * U(0,1) s then U(0,2) s: 0-3 s, 1.5 s on average (the default here).
   */
  void missingKeyLookupDelay(Duration delay) {
    this.missingKeyLookupDelay = delay;
  }

  void generate(HttpExchange exchange) throws IOException {
    JsonNode body = http.body(exchange);
    if (body == null) {
      return;
    }
    BigDecimal maxBudget = decimal(body.get("max_budget"));
    BigDecimal softBudget = decimal(body.get("soft_budget"));
    if ((maxBudget != null && maxBudget.signum() < 0) || (softBudget != null && softBudget.signum() < 0)) {
      http.error(exchange, 400, "Budget values cannot be negative", "bad_request_error", "None");
      return;
    }
    String key = SimulatorHttp.text(body.get("key"));
    if (key != null && !key.startsWith("sk-")) {
      http.error(exchange, 400, "Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: " + key,
          "bad_request_error", "key");
      return;
    }
    String alias = SimulatorHttp.text(body.get("key_alias"));
    String duration = SimulatorHttp.text(body.get("budget_duration"));
    Instant resetAt;
    try {
      resetAt = LiteLlmCalendar.nextReset(duration, clock.instant());
    } catch (LiteLlmCalendar.UnsupportedDuration e) {
      http.error(exchange, 500, e.getMessage(), "internal_server_error", "None"); // raised outside the handler's try
      return;
    }
    String raw = key == null ? keys.newKey() : key;
    SimulatedKeys.Row row;
    synchronized (keys) {
      if (keys.aliasTaken(alias)) {
        http.error(exchange, 400, "Key with alias '" + alias + "' already exists. Unique key aliases across all keys are required.",
            "bad_request_error", "key_alias");
        return;
      }
      if (keys.find(raw).isPresent()) {
        http.error(exchange, 400, "Key already exists", "bad_request_error", "key");
        return;
      }
      row = keys.create(raw, alias, body.get("metadata"));
      row.maxBudget = maxBudget;
      row.budgetDuration = duration;
      row.budgetResetAt = resetAt;
      BigDecimal spend = decimal(body.get("spend"));
      row.spend = spend == null ? BigDecimal.ZERO : spend;
      if (softBudget != null) {
        row.softBudget = softBudget;
        row.budgetId = SimulatedKeys.newBudgetId();
      }
    }
    http.json(exchange, 200, keys.generateAnswer(raw, row));
  }

  void info(HttpExchange exchange) throws IOException {
    String key = SimulatorHttp.query(exchange, "key");
    Optional<SimulatedKeys.Row> row = keys.find(key); // without a key LiteLLM looks up the caller's: the master key is no row
    if (row.isEmpty()) {
      http.error(exchange, 404, "Key not found in database", "not_found_error", "key");
      return;
    }
    http.json(exchange, 200, keys.infoAnswer(key, row.get()));
  }

  void update(HttpExchange exchange) throws IOException {
    JsonNode body = http.body(exchange);
    if (body == null) {
      return;
    }
    String key = SimulatorHttp.text(body.get("key"));
    if (key == null) {
      http.validation(exchange, "body", "key", "Field required", null);
      return;
    }
    BigDecimal maxBudget = decimal(body.get("max_budget"));
    if (maxBudget != null && maxBudget.signum() < 0) {
      http.error(exchange, 400, "max_budget cannot be negative", "bad_request_error", "None");
      return;
    }
    Optional<SimulatedKeys.Row> found = keys.find(key);
    if (found.isEmpty()) {
      sleep(missingKeyLookupDelay);
      http.error(exchange, 401, "Authentication Error: invalid user key - user key does not exist in db. User Key=" + key,
          "auth_error", "None");
      return;
    }
    SimulatedKeys.Row row = found.get();
    synchronized (keys) {
      if (body.has("budget_duration")) {
        String duration = SimulatorHttp.text(body.get("budget_duration"));
        try {
          row.budgetResetAt = LiteLlmCalendar.nextReset(duration, clock.instant());
        } catch (LiteLlmCalendar.UnsupportedDuration e) {
          http.error(exchange, 400, "Authentication Error, " + e.getMessage(), "auth_error", "None");
          return;
        }
        row.budgetDuration = duration; // spend carried over: a new duration does not zero it (issue #34270)
      }
      if (body.has("max_budget")) {
        row.maxBudget = maxBudget;
      }
      if (body.has("spend")) {
        BigDecimal spend = decimal(body.get("spend"));
        row.spend = spend == null ? BigDecimal.ZERO : spend;
      }
      // every other field (soft_budget included: not in UpdateKeyRequest) is dropped, as pydantic's extra="ignore" does
    }
    keys.touch(row);
    http.json(exchange, 200, keys.updateAnswer(key, row));
  }

  void delete(HttpExchange exchange) throws IOException {
    JsonNode body = http.body(exchange);
    if (body == null) {
      return;
    }
    boolean byKeys = body.path("keys").isArray() && !body.path("keys").isEmpty();
    JsonNode list = byKeys ? body.get("keys") : body.path("key_aliases");
    if (!list.isArray() || list.isEmpty()) {
      http.validation(exchange, "body", "keys", "Value error, At least one of 'keys' or 'key_aliases' must be provided.", null);
      return;
    }
    List<SimulatedKeys.Row> rows = new ArrayList<>();
    for (JsonNode entry : list) {
      (byKeys ? keys.find(entry.asText()) : keys.byAlias(entry.asText())).ifPresent(rows::add);
    }
    if (rows.isEmpty()) {
      http.error(exchange, 404, "{'error': 'No keys found'}", "internal_server_error", "None");
      return;
    }
    rows.forEach(keys::delete);
    ObjectNode answer = json.createObjectNode();
    answer.set("deleted_keys", list.deepCopy()); // the list as sent, entries that matched nothing included
    http.json(exchange, 200, answer);
  }

  void list(HttpExchange exchange) throws IOException {
    Integer page = integer(exchange, "page", 1);
    Integer size = page == null ? null : integer(exchange, "size", 10);
    if (page == null || size == null) {
      return;
    }
    if (page < 1) {
      http.validation(exchange, "query", "page", "Input should be greater than or equal to 1", String.valueOf(page));
      return;
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      http.validation(exchange, "query", "size", "Input should be less than or equal to " + MAX_PAGE_SIZE
          + " and greater than or equal to 1", String.valueOf(size));
      return;
    }
    List<SimulatedKeys.Row> rows = keys.list(SimulatorHttp.query(exchange, "key_alias"),
        SimulatorHttp.query(exchange, "team_id"), SimulatorHttp.query(exchange, "user_id"));
    List<SimulatedKeys.Row> shown = rows.subList(Math.min(rows.size(), (page - 1) * size), Math.min(rows.size(), page * size));
    ObjectNode answer = json.createObjectNode();
    if ("true".equalsIgnoreCase(SimulatorHttp.query(exchange, "return_full_object"))) {
      ArrayNode out = answer.putArray("keys");
      shown.forEach(r -> out.add(keys.listRow(r)));
    } else {
      answer.set("keys", keys.tokens(shown));
    }
    answer.put("total_count", rows.size());
    answer.put("current_page", page);
    answer.put("total_pages", (rows.size() + size - 1) / size);
    http.json(exchange, 200, answer);
  }

  private Integer integer(HttpExchange exchange, String name, int otherwise) throws IOException {
    String value = SimulatorHttp.query(exchange, name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      http.validation(exchange, "query", name, "Input should be a valid integer, unable to parse string as an integer", value);
      return null;
    }
  }

  private static BigDecimal decimal(JsonNode node) {
    return node == null || node.isNull() || !node.isNumber() ? null : node.decimalValue();
  }

  private static void sleep(Duration delay) {
    try {
      TimeUnit.MILLISECONDS.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
