package io.budgetgate.platform.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Where the shared cache and dedup live.
 *
 * @param url {@code redis://host:port}; empty means in-process (one instance only)
 * @param timeout connect and command timeout; a decision never waits longer than this on Redis
 * @param retryAfter after a Redis failure, how long to answer without Redis before trying it again
 */
public record RedisConfig(
    @JsonProperty("url") @NotNull @Pattern(regexp = "^$|^redis://[^/]+(/\\d+)?$", message = "must be empty or redis://host:port") String url,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("retryAfter") Duration retryAfter) {

  public RedisConfig {
    timeout = timeout == null ? Duration.milliseconds(250) : timeout;
    retryAfter = retryAfter == null ? Duration.seconds(5) : retryAfter;
  }

  public static RedisConfig inProcess() {
    return new RedisConfig("", null, null);
  }

  public boolean enabled() {
    return !url.isBlank();
  }
}
