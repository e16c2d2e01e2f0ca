package io.budgetgate.litellm;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyPage;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.platform.Redaction;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BudgetGate's client for LiteLLM's key management API. Every call has a timeout; timeouts,
 * connection errors and 5xx answers are retried with exponential backoff, 4xx answers are not,
 * except for budget checks ({@link #keyInfoForDecision}): one attempt, behind a circuit breaker.
 */
public class LiteLlmClient {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmClient.class);

  private final URI baseUrl;
  private final String masterKey;
  private final Duration timeout;
  private final Duration writeTimeout;
  private final Duration decisionTimeout;
  private final CircuitBreaker breaker;
  private final Counter shortCircuited;
  private final Duration breakerOpenFor;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Retry retry;
  private final Timer calls;
  private final Counter failures;
  private final Counter badAnswers;

  public LiteLlmClient(LiteLlmConfig config, ObjectMapper mapper) {
    this(config, mapper, new MetricRegistry());
  }

  /**
   * With {@code litellm.calls} (latency of every call, retries included), {@code litellm.failures}
   * and {@code litellm.bad_answers} (2xx answers that could not be trusted).
   */
  public LiteLlmClient(LiteLlmConfig config, ObjectMapper mapper, MetricRegistry metrics) {
    this.baseUrl = URI.create(config.baseUrl().endsWith("/") ? config.baseUrl() : config.baseUrl() + "/");
    this.masterKey = config.masterKey();
    this.timeout = config.timeout().toJavaDuration();
    this.writeTimeout = config.writeTimeout().toJavaDuration();
    this.decisionTimeout = config.decisionTimeout().toJavaDuration();
    this.breaker = LiteLlmBreaker.of(config.breaker(), metrics);
    this.shortCircuited = metrics.counter("litellm.breaker.short_circuited");
    this.breakerOpenFor = config.breaker().openFor().toJavaDuration();
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    this.json = mapper.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.retry =
        Retry.of(
            "litellm",
            RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(
                        config.initialBackoff().toJavaDuration(), config.backoffMultiplier()))
                .retryExceptions(LiteLlmUnavailableException.class)
                .build());
    this.calls = metrics.timer("litellm.calls");
    this.failures = metrics.counter("litellm.failures");
    this.badAnswers = metrics.counter("litellm.bad_answers");
  }

  /** Creates a virtual key; the answer holds the raw key, which LiteLLM never shows again. */
  public GeneratedKey generateKey(KeyGenerateRequest request) {
    ObjectNode body = json.createObjectNode();
    body.put("key_alias", request.keyAlias());
    body.put("max_budget", request.maxBudget());
    if (request.budgetDuration() != null) {
      body.put("budget_duration", request.budgetDuration());
    }
    if (request.spend() != null) {
      body.put("spend", request.spend());
    }
    ObjectNode metadata = body.putObject("metadata");
    request.metadata().forEach(metadata::put);
    JsonNode answer = call("POST", "key/generate", body);
    String key = text(answer, "key");
    if (key == null) {
      throw new LiteLlmBadAnswerException("LiteLLM /key/generate answered 2xx without a key");
    }
    return new GeneratedKey(new VirtualKey(key), text(answer, "token"), text(answer, "key_alias"));
  }

  /**
   * The key's budget fields (LiteLLM nests them under {@code info}). An answer whose spend is not
   * a finite number fails with {@link LiteLlmBadAnswerException}, counted in {@code litellm.bad_answers}.
   */
  public KeyInfo keyInfo(VirtualKey key) {
    return parseKeyInfo(call("GET", "key/info?key=" + key.hash(), null));
  }

  private KeyInfo parseKeyInfo(JsonNode answer) {
    try {
      return KeyInfoParser.parse(answer);
    } catch (LiteLlmBadAnswerException e) {
      badAnswers.inc();
      failures.inc();
      LOG.warn("{}", e.getMessage());
      throw e;
    }
  }

  /**
   * The key's budget fields for a budget check: one attempt with {@code decisionTimeout}, behind
   * the circuit breaker. While the breaker is open it fails at once with
   * {@link LiteLlmUnavailableException}, without a call: the check answers from the last known
   * spend instead of waiting on a LiteLLM that is known to be down. Only outages (timeouts, I/O
   * errors, 5xx) count against LiteLLM; a refusal or a bad answer is about one key.
   */
  public KeyInfo keyInfoForDecision(VirtualKey key) {
    String path = "key/info?key=" + key.hash();
    JsonNode answer;
    try (Timer.Context ignored = calls.time()) {
      answer = breaker.executeSupplier(() -> attempt("GET", path, null, "GET /key/info", decisionTimeout));
    } catch (CallNotPermittedException e) {
      shortCircuited.inc();
      throw new LiteLlmUnavailableException("LiteLLM is not asked while its circuit breaker is open (recent budget "
          + "checks could not reach it); a check probes it again once the breaker has been open for " + breakerOpenFor, e);
    } catch (LiteLlmException e) {
      failures.inc();
      throw e;
    }
    return parseKeyInfo(answer);
  }

  /**
   * One page of every key's budget fields ({@code GET /key/list?return_full_object=true}, pages
   * from 1, at most {@link #LIST_PAGE_SIZE} keys a page), with the client's retries: one call per
   * hundred keys instead of one {@code /key/info} each, for the reconciler.
   */
  public KeyPage listKeys(int page) {
    return KeyInfoParser.parsePage(call("GET", "key/list?return_full_object=true&page=" + page + "&size=" + LIST_PAGE_SIZE, null));
  }

  /** The most keys LiteLLM's /key/list answers in one page. */
  public static final int LIST_PAGE_SIZE = 100;

  /** The breaker's state, for the health check. */
  public CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  /** Changes a key's max budget, budget period and/or spend, with the client's retries. */
  public void updateKey(KeyUpdate update) {
    call("POST", "key/update", updateBody(update));
  }

  /**
   * The same change in one attempt bounded by {@code within}, behind the circuit breaker: for a
   * budget change that has committed and only tries to reach the key before it answers (the key
   * sync retries what this could not finish). Fails at once while the breaker is open.
   */
  public void updateKeyNow(KeyUpdate update, Duration within) {
    ObjectNode body = updateBody(update);
    try (Timer.Context ignored = calls.time()) {
      breaker.executeSupplier(() -> attempt("POST", "key/update", body, "POST /key/update", within));
    } catch (CallNotPermittedException e) {
      shortCircuited.inc();
      throw new LiteLlmUnavailableException("LiteLLM is not asked while its circuit breaker is open", e);
    } catch (LiteLlmException e) {
      failures.inc();
      throw e;
    }
  }

  private ObjectNode updateBody(KeyUpdate update) {
    ObjectNode body = json.createObjectNode();
    body.put("key", update.key().hash());
    if (update.maxBudget() != null) {
      body.put("max_budget", update.maxBudget());
    }
    if (update.budgetDuration() != null) {
      body.put("budget_duration", update.budgetDuration());
    }
    if (update.spend() != null) {
      body.put("spend", update.spend());
    }
    return body;
  }

  /** Deletes a key. */
  public void deleteKey(VirtualKey key) {
    ObjectNode body = json.createObjectNode();
    body.putArray("keys").add(key.hash());
    call("POST", "key/delete", body);
  }

  /** One unretried liveness probe, for the health check. */
  public boolean isAlive() {
    try {
      HttpResponse<String> response =
          http.send(request("GET", "health/liveliness", null, timeout), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode call(String method, String path, JsonNode body) {
    String operation = method + " /" + path.replaceFirst("\\?.*", "");
    Supplier<JsonNode> attempt = () -> attempt(method, path, body, operation, method.equals("POST") ? writeTimeout : timeout);
    try (Timer.Context ignored = calls.time()) {
      return retry.executeSupplier(attempt);
    } catch (LiteLlmException e) {
      failures.inc();
      throw e;
    }
  }

  private JsonNode attempt(String method, String path, JsonNode body, String operation, Duration within) {
    HttpResponse<String> response;
    try {
      response = http.send(request(method, path, body, within), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      LOG.warn("LiteLLM {} failed: {}", operation, Redaction.redact(String.valueOf(e)));
      throw new LiteLlmUnavailableException("LiteLLM " + operation + " failed: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LiteLlmUnavailableException("interrupted while calling LiteLLM " + operation, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return parse(response.body(), operation);
    }
    ErrorBody error = ErrorBody.parse(json, response.body());
    if (status >= 500) {
      LOG.warn("LiteLLM {} answered {}: {}", operation, status, error.message());
      throw new LiteLlmUnavailableException("LiteLLM " + operation + " answered " + status + ": " + error.message(), null);
    }
    if ("budget_exceeded".equals(error.type())) {
      throw new LiteLlmBudgetExceededException(status, error.message());
    }
    if (error.namesAMissingKey(status)) {
      throw new LiteLlmKeyMissingException(status, error.type(), error.message());
    }
    throw new LiteLlmRejectedException(status, error.type(), error.message());
  }

  private HttpRequest request(String method, String path, JsonNode body, Duration within) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(baseUrl.resolve(path))
            .timeout(within)
            .header("Authorization", "Bearer " + masterKey)
            .header("Accept", "application/json");
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    try {
      return builder
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a LiteLLM request", e);
    }
  }

  private JsonNode parse(String body, String operation) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new LiteLlmUnavailableException("LiteLLM " + operation + " answered with unreadable JSON", e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** LiteLLM's error body, {@code {"error": {"message", "type", "param", "code"}}}, read leniently. */
  record ErrorBody(String type, String message, boolean fromLiteLlm) {
    /**
     * LiteLLM's own words for "no such key": a 404 in its error shape (FastAPI's bare
     * {@code {"detail": "Not Found"}} is a wrong route, not a missing key), or the 401
     * {@code auth_error} that {@code /key/update} answers for a key that is not in its database.
     * A 401 for a wrong master key says nothing of the kind and stays a plain rejection.
     */
    boolean namesAMissingKey(int status) {
      if (!fromLiteLlm) {
        return false;
      }
      if (status == 404) {
        return true;
      }
      String text = message.toLowerCase(Locale.ROOT);
      return status == 401 && "auth_error".equals(type) && text.contains("does not exist");
    }

    static ErrorBody parse(ObjectMapper json, String body) {
      try {
        JsonNode root = json.readTree(body == null ? "" : body);
        JsonNode error = root == null ? null : root.get("error");
        if (error != null && error.isObject()) {
          return new ErrorBody(
              error.path("type").asText("unknown"), Redaction.redact(error.path("message").asText("")), true);
        }
        if (root != null && root.has("detail")) {
          return new ErrorBody("unknown", Redaction.redact(root.get("detail").toString()), false);
        }
      } catch (IOException | RuntimeException e) {
        // not JSON: fall through to the raw text
      }
      String text = body == null ? "" : body;
      return new ErrorBody("unknown", Redaction.redact(text.length() > 200 ? text.substring(0, 200) : text), false);
    }
  }
}
