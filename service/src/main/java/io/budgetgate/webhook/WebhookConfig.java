package io.budgetgate.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Webhook intake settings.
 *
 * @param secret Standard Webhooks secret {@code whsec_<base64>}; never printed
 * @param pathToken token for {@code POST /webhooks/litellm/{token}}, the way in for LiteLLM's native alerting
 *     (which cannot sign): at least 16 URL-safe characters ({@code openssl rand -hex 32}); empty switches that path off
 * @param tolerance how far webhook-timestamp may be from now, either way (5 min)
 */
public record WebhookConfig(
    @JsonProperty("secret") @NotNull @Pattern(regexp = "^whsec_[A-Za-z0-9+/=]+$", message = "must look like whsec_<base64>") String secret,
    @JsonProperty("pathToken") @NotNull @Pattern(regexp = "^$|^[A-Za-z0-9._~-]{16,256}$",
        message = "must be empty (path off) or 16-256 URL-safe characters [A-Za-z0-9._~-], e.g. `openssl rand -hex 32`")
        String pathToken,
    @JsonProperty("tolerance") Duration tolerance) {

  public WebhookConfig {
    tolerance = tolerance == null ? Duration.minutes(5) : tolerance;
  }

  public static WebhookConfig local() {
    return new WebhookConfig("whsec_bG9jYWwtd2ViaG9vay1zZWNyZXQ=", "", null);
  }

  @Override
  public String toString() {
    return "WebhookConfig[secret=****, pathToken=" + (pathToken.isEmpty() ? "" : "****") + ", tolerance=" + tolerance + "]";
  }
}
