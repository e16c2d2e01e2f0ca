package io.budgetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends LiteLLM webhook deliveries the way a signing relay does (Standard Webhooks). It signs on its
 * own, from the specification (HMAC-SHA256 over {@code id.timestamp.body} with the secret's
 * base64 bytes, sent as {@code v1,<base64>}), not with BudgetGate's verifier, so a mistake there
 * cannot sign its own way past the tests.
 */
public final class Webhooks {
  /** The secret test-app.yml configures (the one of the shared test vectors). */
  public static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private final String baseUrl;
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
    String signature = signatureFor(id, timestamp, body);
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

  /** The {@code webhook-signature} header for this delivery, signed with {@link #SECRET}. */
  public String signatureFor(String id, long timestamp, String body) {
    return sign(SECRET, id, timestamp, body.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code v1,<base64 HMAC-SHA256>} of {@code id.timestamp.body}, keyed by the base64 after {@code whsec_}. */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
