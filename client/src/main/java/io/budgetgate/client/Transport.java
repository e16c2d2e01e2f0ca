package io.budgetgate.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One JSON exchange with BudgetGate under the bearer token and the request timeout; when no answer
 * arrives it throws {@link BudgetGateUnavailableException}, naming the request and never the token.
 */
final class Transport {
  private final HttpClient http;
  private final String base;
  private final String origin;
  private final String token;
  private final Duration timeout;

  Transport(HttpClient http, URI baseUri, String token, Duration timeout) {
    this.http = http;
    String text = baseUri.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.origin = baseUri.getScheme() + "://" + baseUri.getHost() + (baseUri.getPort() < 0 ? "" : ":" + baseUri.getPort());
    this.token = token;
    this.timeout = timeout;
  }

  /** Sends {@code json} (or nothing, when null) to {@code path}, which is already percent-encoded. */
  HttpAnswer send(String method, String path, String json) {
    String request = method + " " + path;
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (json == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    try {
      HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new HttpAnswer(request, r.statusCode(), r.body() == null ? "" : r.body(),
          r.headers().firstValue("Content-Type").orElse(""), r.headers().firstValue("Retry-After").orElse(null));
    } catch (HttpConnectTimeoutException e) {
      throw noAnswer("BudgetGate at " + origin + " did not accept a connection in time for " + request, e);
    } catch (HttpTimeoutException e) {
      throw noAnswer("BudgetGate at " + origin + " did not answer " + request + " within " + timeout, e);
    } catch (IOException e) {
      throw noAnswer("BudgetGate at " + origin + " could not be reached for " + request + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw noAnswer("interrupted while waiting for BudgetGate at " + origin + " to answer " + request, e);
    }
  }

  /** The text with the bearer token masked, for anything a server echoed back. */
  String redact(String text) {
    return text.replace(token, "****");
  }

  String origin() {
    return origin;
  }

  private static BudgetGateUnavailableException noAnswer(String message, Exception cause) {
    return new BudgetGateUnavailableException(0, "no_answer", message, null, cause);
  }
}
