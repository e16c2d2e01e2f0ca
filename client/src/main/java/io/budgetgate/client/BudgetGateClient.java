package io.budgetgate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * BudgetGate for the agent platform: reserve an estimate before a model call, then settle it with
 * the real cost or release it (DESIGN §11). Immutable and thread-safe; share one per service.
 */
public final class BudgetGateClient {
  /** How long to wait for a connection unless the builder says otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** How long to wait for each answer unless the builder says otherwise. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final Transport transport;
  private final AnswerReader answers;

  private BudgetGateClient(Transport transport) {
    this.transport = transport;
    this.answers = new AnswerReader(transport);
  }

  /** A client with the default timeouts. */
  public static BudgetGateClient create(URI baseUri, String platformToken) {
    return builder(baseUri, platformToken).build();
  }

  /**
   * @param baseUri where BudgetGate listens, e.g. {@code https://budgetgate.internal} (a path prefix
   *     is kept); without credentials, query or fragment
   * @param platformToken a bearer token with the {@code platform} role
   */
  public static Builder builder(URI baseUri, String platformToken) {
    return new Builder(baseUri, platformToken);
  }

  /** Holds {@code estimatedCost} for a call of this tenant; see {@link #reserve(String, ReservationRequest)}. */
  public Reservation reserve(String tenantId, BigDecimal estimatedCost) {
    return reserve(tenantId, ReservationRequest.of(estimatedCost));
  }

  /**
   * Asks BudgetGate whether the tenant may make a call costing at most the estimate and, if so,
   * holds the estimate until the returned reservation is settled, released or expires.
   *
   * @throws BudgetExceededException 402: blocked, or the estimate does not fit in the headroom
   * @throws NotFoundException 404 {@code unknown_tenant}
   * @throws ConflictException 409, e.g. {@code request_id_reused}
   * @throws BudgetGateUnavailableException no answer in time, or a 5xx
   * @throws BudgetGateException any other refusal (401, 403, 422...)
   */
  public Reservation reserve(String tenantId, ReservationRequest request) {
    ObjectNode body = AnswerReader.JSON.createObjectNode();
    body.put("estimated_cost", request.estimatedCost().toPlainString());
    if (request.requestId() != null) {
      body.put("request_id", request.requestId());
    }
    if (request.holdSeconds() != null) {
      body.put("hold_seconds", request.holdSeconds());
    }
    HttpAnswer answer = transport.send("POST", tenantPath(tenantId) + "/llm-access", json(body));
    if (answer.status() != 200) {
      throw answers.failure(answer);
    }
    AccessAnswer access = answers.value(answer, AccessAnswer.class);
    if (!access.complete()) {
      throw answers.unexpected(answer, "an access answer without its key, budget or reservation");
    }
    return new Reservation(this, tenantId, access);
  }

  /**
   * Settles a reservation by its id with what the call cost (a {@link Reservation} does this for
   * itself). The same amount again succeeds and changes nothing.
   *
   * @throws NotFoundException 404 {@code unknown_reservation} or {@code unknown_tenant}
   * @throws ConflictException 409 {@code reservation_settled} (another amount) or {@code reservation_released}
   */
  public Settlement settle(String tenantId, String reservationId, BigDecimal actualCost) {
    Objects.requireNonNull(actualCost, "actualCost");
    ObjectNode body = AnswerReader.JSON.createObjectNode().put("actual_cost", actualCost.toPlainString());
    HttpAnswer answer = transport.send("POST", reservationPath(tenantId, reservationId) + "/settle", json(body));
    if (answer.status() != 200) {
      throw answers.failure(answer);
    }
    return answers.value(answer, Settlement.class);
  }

  /**
   * Releases a reservation by its id: the call did not happen. Releasing twice is not an error.
   *
   * @throws NotFoundException 404 {@code unknown_reservation} or {@code unknown_tenant}
   * @throws ConflictException 409 {@code reservation_settled}: the call was settled
   */
  public void release(String tenantId, String reservationId) {
    HttpAnswer answer = transport.send("DELETE", reservationPath(tenantId, reservationId), null);
    if (!answer.succeeded()) {
      throw answers.failure(answer);
    }
  }

  @Override
  public String toString() {
    return "BudgetGateClient[" + transport.origin() + ", token=****]";
  }

  private static String tenantPath(String tenantId) {
    return "/v1/tenants/" + segment("tenantId", tenantId);
  }

  private static String reservationPath(String tenantId, String reservationId) {
    return tenantPath(tenantId) + "/reservations/" + segment("reservationId", reservationId);
  }

  /**
   * One path segment, percent-encoded: everything but letters, digits, {@code -}, {@code _} and
   * {@code ~} (so neither {@code /} nor {@code ..} can leave the segment).
   */
  static String segment(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static String json(ObjectNode body) {
    try {
      return AnswerReader.JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request body of strings and numbers always serializes", e);
    }
  }

  /** The base URI, the token and the timeouts; an {@link HttpClient} of your own replaces the connect timeout. */
  public static final class Builder {
    private final URI baseUri;
    private final String token;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private HttpClient httpClient;

    private Builder(URI baseUri, String token) {
      Objects.requireNonNull(baseUri, "baseUri");
      Objects.requireNonNull(token, "platformToken");
      if (!("http".equals(baseUri.getScheme()) || "https".equals(baseUri.getScheme())) || baseUri.getHost() == null) {
        throw new IllegalArgumentException("baseUri must be an absolute http or https URI with a host");
      }
      if (baseUri.getRawUserInfo() != null || baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        // the URI itself is not echoed: its user info may be a password
        throw new IllegalArgumentException("baseUri must have no user info, query or fragment (the token is the credential)");
      }
      if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IllegalArgumentException("platformToken must be non-blank printable ASCII without spaces");
      }
      this.baseUri = baseUri;
      this.token = token;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long each call may take from sending to the whole answer. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Your own client (proxy, TLS, executor); its connect timeout applies instead of {@link #connectTimeout}. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    public BudgetGateClient build() {
      HttpClient http = httpClient != null ? httpClient
          : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
      return new BudgetGateClient(new Transport(http, baseUri, token, requestTimeout));
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
