package io.budgetgate.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One reading of a tenant's cumulative spend in its current budget period, as LiteLLM reported it.
 *
 * @param sampledAt when the spend was read
 * @param spend USD spent in the period up to then (never negative)
 */
public record SpendSample(Instant sampledAt, BigDecimal spend) {
  public SpendSample {
    Objects.requireNonNull(sampledAt, "sampledAt");
    Objects.requireNonNull(spend, "spend");
    if (spend.signum() < 0) {
      throw new IllegalArgumentException("spend must not be negative: " + spend);
    }
  }
}
