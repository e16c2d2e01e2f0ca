package io.budgetgate.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;

/**
 * Alert dedup and the reconciler.
 *
 * @param dedupTtl one notification per tenant, level and period within this window (1 h)
 * @param reconcileInterval how often the reconciler reads every tenant's spend from LiteLLM (60 s)
 */
public record AlertConfig(
    @JsonProperty("dedupTtl") Duration dedupTtl,
    @JsonProperty("reconcileInterval") Duration reconcileInterval) {

  public AlertConfig {
    dedupTtl = dedupTtl == null ? Duration.seconds(3600) : dedupTtl;
    reconcileInterval = reconcileInterval == null ? Duration.seconds(60) : reconcileInterval;
  }

  public static AlertConfig defaults() {
    return new AlertConfig(null, null);
  }
}
