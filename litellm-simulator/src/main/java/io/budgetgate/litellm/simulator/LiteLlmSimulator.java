package io.budgetgate.litellm.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
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
 * {@code /key/update}, {@code /key/delete}, {@code /key/list}, {@code /health/liveliness}), written
 * from LiteLLM's source (reference/litellm-api.md §7) and importing nothing of BudgetGate's: its
 * calendar and its shapes are its own, so a BudgetGate mistake cannot be copied into it. Tests and
 * operators steer it through the methods below or {@code /_simulator/faults} and {@code /_simulator/spend}.
 */
public final class LiteLlmSimulator implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmSimulator.class);

  /**
   * The JDK's HTTP server writes a response's headers and body in two writes and, unless this
   * property is {@code true}, leaves Nagle's algorithm on: the body then waits for the client's
   * delayed ACK of the headers, and a key-info call now and then takes 40 ms more (seen as a second
   * mode of the cache-miss latency in the perf suite). LiteLLM's own server (uvicorn) sets
   * TCP_NODELAY. The JDK reads the property once, when the JVM's first HttpServer starts, so it is
   * the JVM owner's to set: {@code BudgetGateApplication.main}, the build's test JVMs, the perf
   * suite. {@link #start()} warns when it is not set.
   */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /** The mean of LiteLLM's jittered retry sleeps before it says a key to update is missing. */
  public static final Duration MISSING_KEY_LOOKUP_DELAY = Duration.ofMillis(1_500);

  private final String host;
  private final int requestedPort;
  private final String masterKey;
  private final SimulatedKeys keys;
  private final SimulatorHttp http;
  private final KeyEndpoints endpoints;
  private final SimulatorControl control;
  private final SimulatorFaults faults = new SimulatorFaults();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService executor;
  private static final int QUERIES_KEPT = 10_000;
  private final ArrayDeque<String> queries = new ArrayDeque<>();

  public LiteLlmSimulator(String host, int port, String masterKey, ObjectMapper json, Clock clock) {
    this.host = host;
    this.requestedPort = port;
    this.masterKey = masterKey;
    ObjectMapper own = json.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.keys = new SimulatedKeys(own, clock);
    this.http = new SimulatorHttp(own);
    this.endpoints = new KeyEndpoints(keys, http, own, clock, MISSING_KEY_LOOKUP_DELAY);
    this.control = new SimulatorControl(this, http);
  }

  /** A started simulator on 127.0.0.1 and a free port, for the tests and tools that need one now. */
  public static LiteLlmSimulator onFreePort(String masterKey, ObjectMapper json, Clock clock) {
    LiteLlmSimulator simulator = new LiteLlmSimulator("127.0.0.1", 0, masterKey, json, clock);
    try {
      simulator.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return simulator;
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
    if (!Boolean.getBoolean(NODELAY_PROPERTY)) {
      LOG.warn("-D{}=true is not set in this JVM: the simulator's answers may wait 40 ms for a delayed ACK",
          NODELAY_PROPERTY);
    }
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
    respondWith(status, "{\"error\":{\"message\":\"simulated failure\",\"type\":\"internal_server_error\",\"param\":\"None\","
        + "\"code\":\"" + status + "\"}}", times);
  }

  /** The next {@code times} calls answer this status and raw body (e.g. an answer real LiteLLM would never give). */
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

  /**
   * As freshly started: no keys, no faults, the default missing-key delay, no calls or queries
   * counted (a test class run a second time in one JVM starts from here).
   */
  public void reset() {
    keys.clear();
    faults.heal();
    endpoints.missingKeyLookupDelay(MISSING_KEY_LOOKUP_DELAY);
    calls.clear();
    synchronized (queries) {
      queries.clear();
    }
  }

  /** How long {@code /key/update} takes to answer 401 for a key that does not exist (default {@link #MISSING_KEY_LOOKUP_DELAY}). */
  public void missingKeyLookupDelay(Duration delay) {
    endpoints.missingKeyLookupDelay(delay);
  }

  /** How many calls reached this path (e.g. {@code /key/generate}), faults included. */
  /** The query strings received (path and query, as sent; the last {@value #QUERIES_KEPT}), oldest first: what LiteLLM's access log would show. */
  public List<String> queriesSeen() {
    synchronized (queries) {
      return List.copyOf(queries);
    }
  }

  public int callCount(String path) {
    AtomicInteger count = calls.get(path);
    return count == null ? 0 : count.get();
  }

  /**
   * Creates a key with a value chosen by the caller (LiteLLM's {@code /key/generate} accepts a
   * custom {@code key} too); contract tests use it to set up provider states. Replaces any key
   * with the same alias or value.
   */
  public void createKey(String rawKey, String alias, BigDecimal maxBudget, String budgetDuration, BigDecimal spend) {
    synchronized (keys) {
      keys.byAlias(alias).ifPresent(keys::delete);
      keys.find(rawKey).ifPresent(keys::delete);
      SimulatedKeys.Row row = keys.create(rawKey, alias, null);
      row.metadata.put("tenant_id", alias);
      row.maxBudget = maxBudget;
      row.budgetDuration = budgetDuration;
      row.spend = spend;
      row.budgetResetAt = LiteLlmCalendar.nextReset(budgetDuration, row.createdAt);
    }
  }

  /** Forgets every key (between contract interactions). */
  public void clearKeys() {
    keys.clear();
  }

  /** Deletes a key behind BudgetGate's back, as an operator with LiteLLM's admin UI might. */
  public boolean deleteKey(String keyOrAlias) {
    return row(keyOrAlias).map(keys::delete).orElse(false);
  }

  /** Sets a key's spend, as LiteLLM's own spend tracking (or {@code /key/update {"spend": ...}}) would. */
  public void setSpend(String keyOrAlias, BigDecimal spend) {
    SimulatedKeys.Row row = row(keyOrAlias).orElseThrow(() -> new IllegalArgumentException("no such key"));
    synchronized (keys) {
      row.spend = spend;
    }
    keys.touch(row);
  }

  /** Sets the key's budget_reset_at, e.g. to a moment LiteLLM's own reset job has not reached yet. */
  public void setBudgetResetAt(String keyOrAlias, Instant resetAt) {
    SimulatedKeys.Row row = row(keyOrAlias).orElseThrow(() -> new IllegalArgumentException("no such key"));
    synchronized (keys) {
      row.budgetResetAt = resetAt;
    }
  }

  /** The key's max budget as LiteLLM holds it, if the key exists (by raw key, hash or alias). */
  public Optional<BigDecimal> maxBudgetOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.maxBudget);
  }

  /** The key's budget duration as LiteLLM holds it. */
  public Optional<String> budgetDurationOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.budgetDuration);
  }

  /** The key's budget_reset_at as LiteLLM holds it. */
  public Optional<Instant> budgetResetAtOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.budgetResetAt);
  }

  /** The key's metadata as LiteLLM holds it. */
  public Optional<JsonNode> metadataOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.metadata.deepCopy());
  }

  /** The key's spend as LiteLLM holds it. */
  public Optional<BigDecimal> spendOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.spend);
  }

  /** The key's hash ({@code token}), as LiteLLM puts it into every webhook event of a call made with the key. */
  public Optional<String> tokenOf(String keyOrAlias) {
    return row(keyOrAlias).map(r -> r.token);
  }

  public boolean hasKey(String keyOrAlias) {
    return row(keyOrAlias).isPresent();
  }

  public int keyCount() {
    return keys.size();
  }

  /** The control API's lookup: a raw key, a hash, or (unlike LiteLLM's endpoints) an alias. */
  Optional<SimulatedKeys.Row> row(String keyOrAlias) {
    return keys.find(keyOrAlias).or(() -> keys.byAlias(keyOrAlias));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/_simulator/")) {
        control(exchange, path);
        return;
      }
      calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        synchronized (queries) {
          queries.addLast(path + "?" + query);
          if (queries.size() > QUERIES_KEPT) {
            queries.removeFirst();
          }
        }
      }
      SimulatorFaults.Fault fault = faults.take();
      if (fault != null) {
        switch (fault.kind()) {
          case DROP -> {
            return; // closing the exchange without headers drops the connection
          }
          case STATUS -> {
            SimulatorHttp.send(exchange, fault.status(), fault.body());
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
    if ((path.equals("/health/liveliness") || path.equals("/health/liveness")) && method.equals("GET")) {
      SimulatorHttp.send(exchange, 200, "\"I'm alive!\""); // a public route: no key needed
      return;
    }
    if (!authorised(exchange)) {
      http.error(exchange, 401, "Authentication Error, No api key passed in.", "auth_error", "None");
      return;
    }
    switch (method + " " + path) {
      case "POST /key/generate" -> endpoints.generate(exchange);
      case "GET /key/info" -> endpoints.info(exchange);
      case "POST /key/update" -> endpoints.update(exchange);
      case "POST /key/delete" -> endpoints.delete(exchange);
      case "GET /key/list" -> endpoints.list(exchange);
      default -> SimulatorHttp.send(exchange, 404, "{\"detail\":\"Not Found\"}");
    }
  }

  private void control(HttpExchange exchange, String path) throws IOException {
    if (!authorised(exchange)) {
      http.error(exchange, 401, "Authentication Error, No api key passed in.", "auth_error", "None");
      return;
    }
    control.handle(exchange, path);
  }

  /** The master key, in the headers LiteLLM reads it from ({@code SpecialHeaders}). */
  private boolean authorised(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).trim()
        : exchange.getRequestHeaders().getFirst("x-litellm-api-key");
    return masterKey.equals(presented);
  }

  private static void sleep(Duration delay) {
    try {
      TimeUnit.MILLISECONDS.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
