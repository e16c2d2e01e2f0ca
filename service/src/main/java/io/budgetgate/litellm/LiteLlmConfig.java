package io.budgetgate.litellm;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * How to reach the LiteLLM proxy, and whether to run the in-process simulator in its place.
 *
 * @param baseUrl LiteLLM's base URL, e.g. {@code http://127.0.0.1:4000}
 * @param masterKey LiteLLM master key (bearer); never printed
 * @param timeout per-call timeout (connect and response) of reads ({@code /key/info}, {@code /key/list})
 * @param writeTimeout response timeout of writes ({@code /key/generate}, {@code /key/update}, {@code /key/delete}),
 *     default 4 s: LiteLLM answers an update of a missing key only after its own retries (0-3 s), and a
 *     shorter timeout would take that answer for an outage
 * @param maxAttempts attempts per call, first one included; 5xx and I/O errors are retried
 * @param initialBackoff wait before the first retry; doubles (times multiplier) each retry
 * @param backoffMultiplier growth of the wait between retries
 * @param decisionTimeout timeout of the one {@code /key/info} attempt a budget check makes (default 500 ms):
 *     checks never retry, background jobs do
 * @param breaker when budget checks stop asking LiteLLM after failures, and for how long
 * @param simulator the in-process stand-in, used by local.yml and the tests
 * @param publicBaseUrl the LiteLLM address agents use, returned by llm-access (default: baseUrl)
 */
public record LiteLlmConfig(
    @JsonProperty("baseUrl") @NotBlank String baseUrl,
    @JsonProperty("masterKey") @NotBlank String masterKey,
    @JsonProperty("timeout") @NotNull @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS) Duration timeout,
    @JsonProperty("maxAttempts") @Min(1) @Max(10) int maxAttempts,
    @JsonProperty("initialBackoff") @NotNull Duration initialBackoff,
    @JsonProperty("backoffMultiplier") @DecimalMin("1.0") double backoffMultiplier,
    @JsonProperty("simulator") @Valid SimulatorConfig simulator,
    @JsonProperty("publicBaseUrl") String publicBaseUrl,
    @JsonProperty("writeTimeout") Duration writeTimeout,
    @JsonProperty("decisionTimeout") Duration decisionTimeout,
    @JsonProperty("breaker") @Valid BreakerConfig breaker) {

  /** Without a separate write timeout (4 s, or the read timeout when that is longer) and with the default breaker. */
  public LiteLlmConfig(String baseUrl, String masterKey, Duration timeout, int maxAttempts, Duration initialBackoff,
      double backoffMultiplier, SimulatorConfig simulator, String publicBaseUrl) {
    this(baseUrl, masterKey, timeout, maxAttempts, initialBackoff, backoffMultiplier, simulator, publicBaseUrl, null,
        null, null);
  }

  public LiteLlmConfig {
    if (decisionTimeout == null) {
      decisionTimeout = timeout != null && timeout.toMilliseconds() < 500 ? timeout : Duration.milliseconds(500);
    }
    if (breaker == null) {
      breaker = BreakerConfig.defaults();
    }
    if (writeTimeout == null) {
      writeTimeout = timeout != null && timeout.toMilliseconds() > 4_000 ? timeout : Duration.seconds(4);
    }
    if (simulator == null) {
      simulator = new SimulatorConfig(false, "127.0.0.1", 4000);
    }
    if (publicBaseUrl == null || publicBaseUrl.isBlank()) {
      publicBaseUrl = baseUrl;
    }
  }

  @Override
  public String toString() {
    return "LiteLlmConfig[baseUrl=" + baseUrl + ", masterKey=****, timeout=" + timeout + ", writeTimeout=" + writeTimeout
        + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", backoffMultiplier=" + backoffMultiplier + ", decisionTimeout=" + decisionTimeout + ", breaker=" + breaker
        + ", simulator=" + simulator + "]";
  }

  /**
   * The circuit breaker in front of budget checks' LiteLLM reads: over the last {@code window}
   * checks that asked LiteLLM (once {@code minimumCalls} have), when at least
   * {@code failureRatePercent} failed (timeout, refused connection, 5xx), checks stop asking for
   * {@code openFor} and answer at once from the last known spend or per {@code budget.failMode};
   * then {@code probes} checks ask again, and their outcome closes or reopens it.
   *
   * @param failureRatePercent 1-100 (default 50)
   * @param minimumCalls calls before the rate counts (default 4)
   * @param window calls the rate is taken over (default 20)
   * @param openFor how long checks stop asking (default 5 s)
   * @param probes calls let through half-open (default 2)
   */
  public record BreakerConfig(
      @JsonProperty("failureRatePercent") @Min(1) @Max(100) int failureRatePercent,
      @JsonProperty("minimumCalls") @Min(1) @Max(1000) int minimumCalls,
      @JsonProperty("window") @Min(1) @Max(1000) int window,
      @JsonProperty("openFor") Duration openFor,
      @JsonProperty("probes") @Min(1) @Max(100) int probes) {

    public BreakerConfig {
      failureRatePercent = failureRatePercent == 0 ? 50 : failureRatePercent;
      minimumCalls = minimumCalls == 0 ? 4 : minimumCalls;
      window = window == 0 ? 20 : window;
      openFor = openFor == null ? Duration.seconds(5) : openFor;
      probes = probes == 0 ? 2 : probes;
    }

    static BreakerConfig defaults() {
      return new BreakerConfig(0, 0, 0, null, 0);
    }
  }

  /**
   * The LiteLLM simulator served by this process.
   *
   * @param enabled serve it
   * @param host address to bind
   * @param port port to bind (0 = any free port)
   */
  public record SimulatorConfig(
      @JsonProperty("enabled") boolean enabled,
      @JsonProperty("host") @NotBlank String host,
      @JsonProperty("port") @Min(0) @Max(65535) int port) {}
}
