package io.budgetgate.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.budgetgate.budget.BudgetDuration;
import io.budgetgate.budget.BudgetPeriods;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for the LiteLLM proxy's key API ({@code /key/generate}, {@code /key/info},
 * {@code /key/update}, {@code /key/delete}, {@code /health/liveliness}) with LiteLLM's JSON shapes
 * and error bodies. Tests and operators can make it fail through {@link #failWith},
 * {@link #delay}, {@link #dropConnections} or {@code POST /_simulator/faults}.
 */
public final class LiteLlmSimulator implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmSimulator.class);

  static {
    // The JDK's HTTP server writes a response's headers and body in two writes and, unless told
    // otherwise, leaves Nagle's algorithm on: the body then waits for the client's delayed ACK of
    // the headers, and a key-info call now and then took 40 ms more (seen as a second mode of the
    // cache-miss latency in the perf suite). LiteLLM's own server (uvicorn) sets TCP_NODELAY. The
    // JDK reads this property once, when its first HttpServer starts in the JVM.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String host;
  private final int requestedPort;
  private final String masterKey;
  private final ObjectMapper json;
  private final SimulatedKeys keys;
  private final Clock clock;
  private final SimulatorFaults faults = new SimulatorFaults();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService executor;

  public LiteLlmSimulator(String host, int port, String masterKey, ObjectMapper json, Clock clock) {
    this.host = host;
    this.requestedPort = port;
    this.masterKey = masterKey;
    this.json = json.copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.keys = new SimulatedKeys(this.json, clock);
    this.clock = clock;
  }

  @Override
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress(host, requestedPort), 64);
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "litellm-simulator");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("LiteLLM simulator listening on {}", baseUrl());
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  public synchronized int port() {
    return server.getAddress().getPort();
  }

  public String baseUrl() {
    return "http://" + host + ":" + port();
  }

  /** The next {@code times} calls (negative: every call until {@link #heal()}) answer this status. */
  public void failWith(int status, int times) {
    respondWith(status, errorBody("simulated failure", "internal_server_error", status), times);
  }

  /** The next {@code times} calls answer this status and raw body. */
  public void respondWith(int status, String body, int times) {
    faults.set(new SimulatorFaults.Fault(SimulatorFaults.Kind.STATUS, status, body, Duration.ZERO, times));
  }

  /** The next {@code times} calls wait this long before being answered normally. */
  public void delay(Duration delay, int times) {
    faults.set(new SimulatorFaults.Fault(SimulatorFaults.Kind.DELAY, 0, null, delay, times));
  }

  /** The next {@code times} calls have their connection closed without an answer. */
  public void dropConnections(int times) {
    faults.set(new SimulatorFaults.Fault(SimulatorFaults.Kind.DROP, 0, null, Duration.ZERO, times));
  }

  /** Back to normal answers. */
  public void heal() {
    faults.heal();
  }

  /** How many calls reached this path (e.g. {@code /key/generate}), faults included. */
  public int callCount(String path) {
    AtomicInteger count = calls.get(path);
    return count == null ? 0 : count.get();
  }

  /**
   * Creates a key with a value chosen by the caller (LiteLLM's {@code /key/generate} accepts a
   * custom {@code key} too); contract tests use it to set up provider states. Replaces any key
   * with the same alias.
   */
  public void createKey(String rawKey, String alias, BigDecimal maxBudget, String budgetDuration, BigDecimal spend) {
    keys.delete(alias);
    keys.delete(rawKey);
    SimulatedKeys.Row row = keys.create(rawKey, alias, maxBudget, budgetDuration, json.createObjectNode().put("tenant_id", alias));
    synchronized (keys) {
      row.spend = spend;
      row.budgetResetAt = nextReset(budgetDuration);
    }
  }

  /** Forgets every key (between contract interactions). */
  public void clearKeys() {
    keys.clear();
  }

  /** Sets a key's spend, as LiteLLM's own {@code /key/update {"spend": ...}} would. */
  public void setSpend(String keyOrAlias, BigDecimal spend) {
    SimulatedKeys.Row row = keys.find(keyOrAlias).orElseThrow(() -> new IllegalArgumentException("no such key"));
    synchronized (keys) {
      row.spend = spend;
    }
    keys.touch(row);
  }

  /** The key's max budget as LiteLLM holds it, if the key exists (by raw key, hash or alias). */
  public Optional<BigDecimal> maxBudgetOf(String keyOrAlias) {
    return keys.find(keyOrAlias).map(r -> r.maxBudget);
  }

  /** The key's budget duration as LiteLLM holds it. */
  public Optional<String> budgetDurationOf(String keyOrAlias) {
    return keys.find(keyOrAlias).map(r -> r.budgetDuration);
  }

  /** The key's metadata as LiteLLM holds it. */
  public Optional<JsonNode> metadataOf(String keyOrAlias) {
    return keys.find(keyOrAlias).map(r -> r.metadata.deepCopy());
  }

  public boolean hasKey(String keyOrAlias) {
    return keys.find(keyOrAlias).isPresent();
  }

  public int keyCount() {
    return keys.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/_simulator/")) {
        control(exchange, path);
        return;
      }
      calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      SimulatorFaults.Fault fault = faults.take();
      if (fault != null) {
        switch (fault.kind()) {
          case DROP -> {
            return; // closing the exchange without headers drops the connection
          }
          case STATUS -> {
            send(exchange, fault.status(), fault.body());
            return;
          }
          case DELAY -> sleep(fault.delay());
        }
      }
      route(exchange, path);
    } catch (RuntimeException e) {
      LOG.warn("simulator failed on {}", exchange.getRequestURI().getPath(), e);
    }
  }

  private void route(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    if (path.equals("/health/liveliness") || path.equals("/health/liveness")) {
      send(exchange, 200, "\"I'm alive!\"");
      return;
    }
    if (!authorised(exchange)) {
      send(exchange, 401, errorBody("Authentication Error, No api key passed in.", "auth_error", 401));
      return;
    }
    switch (method + " " + path) {
      case "POST /key/generate" -> generate(exchange);
      case "GET /key/info" -> info(exchange);
      case "POST /key/update" -> update(exchange);
      case "POST /key/delete" -> delete(exchange);
      default -> send(exchange, 404, "{\"detail\":\"Not Found\"}");
    }
  }

  private void generate(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
    if (body == null) {
      return;
    }
    BigDecimal maxBudget = decimal(body.get("max_budget"));
    if (maxBudget != null && maxBudget.signum() < 0) {
      send(exchange, 400, errorBody("max_budget cannot be negative", "bad_request_error", 400));
      return;
    }
    String alias = text(body.get("key_alias"));
    if (keys.aliasTaken(alias)) {
      send(exchange, 400, errorBody("Unique key aliases across all keys are required, key_alias=" + alias
          + " already in use", "bad_request_error", 400));
      return;
    }
    String duration = text(body.get("budget_duration"));
    SimulatedKeys.Row row = keys.create(alias, maxBudget, duration, body.get("metadata"));
    synchronized (keys) {
      row.budgetResetAt = nextReset(duration);
    }
    send(exchange, 200, json.writeValueAsString(keys.generateAnswer(row)));
  }

  private void info(HttpExchange exchange) throws IOException {
    String key = queryParam(exchange, "key");
    Optional<SimulatedKeys.Row> row = keys.find(key);
    if (row.isEmpty()) {
      send(exchange, 404, errorBody("Key not found in database", "not_found_error", 404));
      return;
    }
    send(exchange, 200, json.writeValueAsString(keys.infoAnswer(row.get())));
  }

  private void update(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
    if (body == null) {
      return;
    }
    String key = text(body.get("key"));
    Optional<SimulatedKeys.Row> found = keys.find(key);
    if (found.isEmpty()) {
      send(exchange, 404, errorBody("Key not found", "not_found_error", 404));
      return;
    }
    SimulatedKeys.Row row = found.get();
    ObjectNode answer = json.createObjectNode();
    answer.put("key", key);
    answer.put("token", row.token);
    synchronized (keys) {
      if (body.has("max_budget")) {
        row.maxBudget = decimal(body.get("max_budget"));
        answer.set("max_budget", body.get("max_budget"));
      }
      if (body.has("budget_duration")) {
        row.budgetDuration = text(body.get("budget_duration"));
        row.budgetResetAt = nextReset(row.budgetDuration);
        answer.set("budget_duration", body.get("budget_duration"));
      }
      if (body.has("spend")) {
        BigDecimal spend = decimal(body.get("spend"));
        row.spend = spend == null ? BigDecimal.ZERO : spend;
        answer.set("spend", body.get("spend"));
      }
      if (body.has("budget_reset_at")) {
        row.budgetResetAt = KeyInfoParser.instant(body.get("budget_reset_at"));
      }
    }
    keys.touch(row);
    send(exchange, 200, json.writeValueAsString(answer));
  }

  private void delete(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
    if (body == null) {
      return;
    }
    ObjectNode answer = json.createObjectNode();
    var deleted = answer.putArray("deleted_keys");
    for (String field : new String[] {"keys", "key_aliases"}) {
      for (JsonNode key : body.path(field)) {
        if (keys.delete(key.asText())) {
          deleted.add(key.asText());
        }
      }
    }
    if (deleted.isEmpty()) {
      send(exchange, 404, errorBody("Failed to delete all keys. Keys not found.", "not_found_error", 404));
      return;
    }
    send(exchange, 200, json.writeValueAsString(answer));
  }

  private void control(HttpExchange exchange, String path) throws IOException {
    if (!authorised(exchange)) {
      send(exchange, 401, errorBody("Authentication Error", "auth_error", 401));
      return;
    }
    if (!path.equals("/_simulator/faults")) {
      send(exchange, 404, "{\"detail\":\"Not Found\"}");
      return;
    }
    if (exchange.getRequestMethod().equals("DELETE")) {
      heal();
      send(exchange, 200, "{\"faults\":\"none\"}");
      return;
    }
    JsonNode body = readBody(exchange);
    if (body == null) {
      return;
    }
    int times = body.path("times").asInt(-1);
    switch (body.path("mode").asText()) {
      case "status" -> failWith(body.path("status").asInt(500), times);
      case "delay" -> delay(Duration.ofMillis(body.path("delay_ms").asLong(1000)), times);
      case "drop" -> dropConnections(times);
      default -> {
        send(exchange, 422, errorBody("mode must be status, delay or drop", "bad_request_error", 422));
        return;
      }
    }
    send(exchange, 200, json.writeValueAsString(body));
  }

  /** LiteLLM sets budget_reset_at whenever budget_duration is set (calendar-aligned, UTC). */
  private Instant nextReset(String duration) {
    if (duration == null) {
      return null;
    }
    try {
      return BudgetPeriods.nextReset(BudgetDuration.parse(duration), clock.instant());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Sets the key's budget_reset_at, e.g. to a moment LiteLLM's own reset job has not reached yet. */
  public void setBudgetResetAt(String keyOrAlias, Instant resetAt) {
    SimulatedKeys.Row row = keys.find(keyOrAlias).orElseThrow(() -> new IllegalArgumentException("no such key"));
    synchronized (keys) {
      row.budgetResetAt = resetAt;
    }
  }

  /** The key's spend as LiteLLM holds it. */
  public Optional<BigDecimal> spendOf(String keyOrAlias) {
    return keys.find(keyOrAlias).map(r -> r.spend);
  }

  private boolean authorised(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).trim()
        : exchange.getRequestHeaders().getFirst("x-litellm-api-key");
    return masterKey.equals(presented);
  }

  private JsonNode readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode body = json.readTree(in);
      if (body == null || !body.isObject()) {
        send(exchange, 422, "{\"detail\":[{\"msg\":\"body must be a JSON object\"}]}");
        return null;
      }
      return body;
    } catch (IOException e) {
      send(exchange, 400, errorBody("Invalid JSON body", "bad_request_error", 400));
      return null;
    }
  }

  private String errorBody(String message, String type, int status) {
    ObjectNode error = json.createObjectNode();
    ObjectNode inner = error.putObject("error");
    inner.put("message", message);
    inner.put("type", type);
    inner.put("param", "None");
    inner.put("code", String.valueOf(status));
    return error.toString();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String queryParam(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static BigDecimal decimal(JsonNode node) {
    return node == null || node.isNull() ? null : node.decimalValue();
  }

  private static void sleep(Duration delay) {
    try {
      TimeUnit.MILLISECONDS.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
