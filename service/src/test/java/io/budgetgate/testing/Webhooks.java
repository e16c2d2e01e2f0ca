package io.budgetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.webhook.SignatureVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Sends LiteLLM webhook deliveries the way a signing relay does (Standard Webhooks). */
public final class Webhooks {
  /** The secret test-app.yml configures (the one of the shared test vectors). */
  public static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private final String baseUrl;
  private final SignatureVerifier signer = new SignatureVerifier(SECRET, Duration.ofMinutes(5));
  private final HttpClient http = HttpClient.newHttpClient();

  public Webhooks(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A LiteLLM WebhookEvent with every field LiteLLM sends (nulls included). */
  public static String event(String event, String spend, String keyAlias) {
    return "{\"spend\": " + spend + ", \"max_budget\": 1000.0, \"soft_budget\": null, \"token\": null, \"customer_id\": null,"
        + " \"user_id\": null, \"team_id\": null, \"team_alias\": null, \"organization_id\": null, \"user_email\": null,"
        + " \"key_alias\": " + (keyAlias == null ? "null" : "\"" + keyAlias + "\"") + ", \"projected_exceeded_date\": null,"
        + " \"projected_spend\": null, \"alert_emails\": null, \"event\": \"" + event + "\", \"event_group\": \"key\","
        + " \"event_message\": \"Key Budget: Threshold Crossed\"}";
  }

  /** Signs and sends with a fresh webhook-id and the current time. */
  public ApiClient.Answer send(String body) {
    return send("msg_" + UUID.randomUUID(), Instant.now().getEpochSecond(), body);
  }

  public ApiClient.Answer send(String id, long timestamp, String body) {
    String signature = signer.signatureFor(id, String.valueOf(timestamp), body.getBytes(StandardCharsets.UTF_8));
    return raw("/webhooks/litellm", "application/json", body, id, String.valueOf(timestamp), signature);
  }

  /** Sends exactly these headers (null leaves one out). */
  public ApiClient.Answer raw(String path, String contentType, String body, String id, String timestamp, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (id != null) {
      b.header("webhook-id", id);
    }
    if (timestamp != null) {
      b.header("webhook-timestamp", timestamp);
    }
    if (signature != null) {
      b.header("webhook-signature", signature);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = new ObjectMapper().readTree(r.body());
      } catch (Exception notJson) {
        // leave null
      }
      return new ApiClient.Answer(r.statusCode(), r.body(), json, r.headers());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String signatureFor(String id, long timestamp, String body) {
    return signer.signatureFor(id, String.valueOf(timestamp), body.getBytes(StandardCharsets.UTF_8));
  }
}
