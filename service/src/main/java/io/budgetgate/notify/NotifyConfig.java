package io.budgetgate.notify;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * How notifications leave: SMTP, a default Slack webhook, and the outbox's retry schedule.
 *
 * @param smtp mail server; an empty host means emails are logged as previews
 * @param slackDefaultWebhookUrl Slack incoming webhook for tenants without their own; empty = none
 * @param dispatchInterval how often the outbox is polled for due rows
 * @param retryBackoff wait before each retry, by attempt; the last value repeats
 * @param maxAttempts after this many failed attempts a row is marked failed
 * @param sendTimeout connect/read timeout of one SMTP or Slack delivery
 */
public record NotifyConfig(
    @JsonProperty("smtp") @Valid @NotNull Smtp smtp,
    @JsonProperty("slackDefaultWebhookUrl") @NotNull @Pattern(regexp = "^$|^https?://.+", message = "must be empty or an http(s) URL") String slackDefaultWebhookUrl,
    @JsonProperty("dispatchInterval") Duration dispatchInterval,
    @JsonProperty("retryBackoff") List<Duration> retryBackoff,
    @JsonProperty("maxAttempts") @Min(1) @Max(50) int maxAttempts,
    @JsonProperty("sendTimeout") Duration sendTimeout) {

  public NotifyConfig {
    dispatchInterval = dispatchInterval == null ? Duration.seconds(2) : dispatchInterval;
    retryBackoff = retryBackoff == null || retryBackoff.isEmpty()
        ? List.of(Duration.seconds(10), Duration.minutes(1), Duration.minutes(5), Duration.minutes(30), Duration.hours(2))
        : List.copyOf(retryBackoff);
    sendTimeout = sendTimeout == null ? Duration.seconds(10) : sendTimeout;
  }

  /** Local defaults: nothing external, every message a logged preview. */
  public static NotifyConfig previewsOnly() {
    return new NotifyConfig(new Smtp("", 587, "", "", "budgetgate@localhost", false), "", null, null, 8, null);
  }

  /** The wait before retry number {@code attempt} (1 = after the first failure). */
  public java.time.Duration backoffAfter(int attempt) {
    Duration d = retryBackoff.get(Math.min(attempt, retryBackoff.size()) - 1);
    return d.toJavaDuration();
  }

  /**
   * SMTP server settings.
   *
   * @param host empty means previews only
   * @param port SMTP port
   * @param username optional login
   * @param password optional password; never printed
   * @param from sender address
   * @param startTls use STARTTLS
   */
  public record Smtp(
      @JsonProperty("host") @NotNull String host,
      @JsonProperty("port") @Min(1) @Max(65535) int port,
      @JsonProperty("username") @NotNull String username,
      @JsonProperty("password") @NotNull String password,
      @JsonProperty("from") @NotNull String from,
      @JsonProperty("startTls") boolean startTls) {

    public boolean configured() {
      return !host.isBlank();
    }

    @Override
    public String toString() {
      return "Smtp[host=" + host + ", port=" + port + ", username=" + username
          + ", password=" + (password.isEmpty() ? "" : "****") + ", from=" + from + ", startTls=" + startTls + "]";
    }
  }
}
