package io.budgetgate.platform;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Settings for the channels that webhooks and notifications use: SMTP and the webhook
 * secret. They are read and validated now so that a deployment's config.yml is complete; the
 * features that consume them (webhook intake, dedup, email) are wired as they land.
 *
 * @param webhookSecret Standard Webhooks secret, {@code whsec_<base64>}
 * @param webhookPathToken optional token for LiteLLM's unsigned alerting path; empty disables it
 * @param smtp mail server settings; an empty host means messages are logged as previews
 */
public record NotificationSettings(
    @JsonProperty("webhookSecret") @NotNull @Pattern(regexp = "^whsec_[A-Za-z0-9+/=]+$", message = "must look like whsec_<base64>") String webhookSecret,
    @JsonProperty("webhookPathToken") @NotNull String webhookPathToken,
    @JsonProperty("smtp") @Valid @NotNull Smtp smtp) {

  /** Defaults for local mode: nothing external, every message a logged preview. */
  public static NotificationSettings previewsOnly() {
    return new NotificationSettings(
        "whsec_bG9jYWwtd2ViaG9vay1zZWNyZXQ=", "", new Smtp("", 587, "", "", "budgetgate@localhost"));
  }

  @Override
  public String toString() {
    return "NotificationSettings[webhookSecret=****, webhookPathToken="
        + (webhookPathToken.isEmpty() ? "" : "****") + ", smtp=" + smtp + "]";
  }

  /**
   * SMTP server settings.
   *
   * @param host empty means previews only
   * @param port SMTP port
   * @param username optional login
   * @param password optional password; never printed
   * @param from sender address
   */
  public record Smtp(
      @JsonProperty("host") @NotNull String host,
      @JsonProperty("port") @Min(1) @Max(65535) int port,
      @JsonProperty("username") @NotNull String username,
      @JsonProperty("password") @NotNull String password,
      @JsonProperty("from") @NotNull String from) {

    @Override
    public String toString() {
      return "Smtp[host=" + host + ", port=" + port + ", username=" + username
          + ", password=" + (password.isEmpty() ? "" : "****") + ", from=" + from + "]";
    }
  }
}
