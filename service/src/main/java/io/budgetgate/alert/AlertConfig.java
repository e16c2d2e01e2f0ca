package io.budgetgate.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;

/**
 * Alert dedup and the reconciler.
 *
 * @param dedupTtl one notification per tenant, level and period within this window (1 h)
 * @param reconcileInterval how often the reconciler reads every tenant's spend from LiteLLM (60 s)
 * @param spendSampleRetention how long the spend sample the reconciler stores each round is kept (35 days)
 * @param reconcileSpread a round paces its pages of tenants to take at least this long, so its
 *     work is spread out instead of taking the machine's cores from the budget checks in one burst
 *     (default: half of {@code reconcileInterval}; {@code 0s}: as fast as it can)
 */
public record AlertConfig(
    @JsonProperty("dedupTtl") Duration dedupTtl,
    @JsonProperty("reconcileInterval") Duration reconcileInterval,
    @JsonProperty("spendSampleRetention") Duration spendSampleRetention,
    @JsonProperty("reconcileSpread") Duration reconcileSpread) {

  public AlertConfig {
    dedupTtl = dedupTtl == null ? Duration.seconds(3600) : dedupTtl;
    reconcileInterval = reconcileInterval == null ? Duration.seconds(60) : reconcileInterval;
    spendSampleRetention = spendSampleRetention == null ? Duration.days(35) : spendSampleRetention;
    reconcileSpread = reconcileSpread == null ? Duration.milliseconds(reconcileInterval.toMilliseconds() / 2) : reconcileSpread;
    if (reconcileSpread.toMilliseconds() >= reconcileInterval.toMilliseconds()) {
      throw new IllegalArgumentException("alerts.reconcileSpread must be shorter than alerts.reconcileInterval");
    }
    if (spendSampleRetention.toMilliseconds() < java.time.Duration.ofDays(1).toMillis()) {
      throw new IllegalArgumentException("alerts.spendSampleRetention must be at least 1 day (the forecast reads the last 24 h)");
    }
  }

  public static AlertConfig defaults() {
    return new AlertConfig(null, null, null, null);
  }
}
