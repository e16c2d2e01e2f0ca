package io.budgetgate.budget;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.budgetgate.rules.BudgetLimits;
import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.rules.OverrideWindow;
import io.budgetgate.rules.SpendForecast;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Everything a budget decision needs, as loaded from PostgreSQL and LiteLLM at one moment; cached
 * as JSON. The status is computed from it at read time with the current clock, so an override
 * that starts or expires takes effect at once even on a cache hit. Holds no secret.
 *
 * @param spend null when no spend is known (LiteLLM unavailable, fail mode open)
 * @param spendAt when that spend was read from LiteLLM
 * @param overrides the tenant's non-revoked overrides that had not expired when loaded
 * @param burnRatePerHour USD per hour the spend grew recently ({@link SpendForecast}), computed when
 *     loaded so a cache hit needs no query; null when unknown (and in entries cached before it existed)
 * @param litellmSyncPendingSince since when a budget change has been on its way to the LiteLLM key;
 *     null when the key holds block_at (and in entries cached before it existed)
 */
public record BudgetSnapshot(
    @JsonProperty("tenantId") String tenantId,
    @JsonProperty("maxBudget") BigDecimal maxBudget,
    @JsonProperty("alertThreshold") int alertThreshold,
    @JsonProperty("graceThreshold") int graceThreshold,
    @JsonProperty("budgetDuration") String budgetDuration,
    @JsonProperty("budgetResetAt") Instant budgetResetAt,
    @JsonProperty("overrides") List<OverrideWindow> overrides,
    @JsonProperty("spend") BigDecimal spend,
    @JsonProperty("spendAt") Instant spendAt,
    @JsonProperty("burnRatePerHour") BigDecimal burnRatePerHour,
    @JsonProperty("litellmSyncPendingSince") Instant litellmSyncPendingSince) {

  public BudgetSnapshot {
    overrides = List.copyOf(overrides);
  }

  /** A snapshot of a tenant whose key is in sync. */
  public BudgetSnapshot(String tenantId, BigDecimal maxBudget, int alertThreshold, int graceThreshold,
      String budgetDuration, Instant budgetResetAt, List<OverrideWindow> overrides, BigDecimal spend, Instant spendAt,
      BigDecimal burnRatePerHour) {
    this(tenantId, maxBudget, alertThreshold, graceThreshold, budgetDuration, budgetResetAt, overrides, spend, spendAt,
        burnRatePerHour, null);
  }

  BudgetSnapshot withSpend(BigDecimal newSpend, Instant at) {
    return new BudgetSnapshot(tenantId, maxBudget, alertThreshold, graceThreshold, budgetDuration, budgetResetAt,
        overrides, newSpend, at, burnRatePerHour, litellmSyncPendingSince);
  }

  BudgetSnapshot withBurnRate(BigDecimal ratePerHour) {
    return new BudgetSnapshot(tenantId, maxBudget, alertThreshold, graceThreshold, budgetDuration, budgetResetAt,
        overrides, spend, spendAt, ratePerHour, litellmSyncPendingSince);
  }

  BigDecimal effectiveBudget(Instant now) {
    return BudgetPolicy.effectiveBudget(maxBudget, overrides, now);
  }

  /** The status at {@code now}, answered from {@code source}. */
  BudgetStanding status(Instant now, SpendSource source) {
    BigDecimal overrideTotal = BudgetPolicy.overrideTotal(overrides, now);
    BigDecimal effective = maxBudget.add(overrideTotal);
    BudgetLimits limits = new BudgetLimits(effective, alertThreshold, graceThreshold);
    BudgetState state = spend == null
        ? (effective.signum() <= 0 ? BudgetState.BLOCKED : BudgetState.UNKNOWN)
        : BudgetPolicy.state(spend, effective, alertThreshold, graceThreshold);
    return new BudgetStanding(
        tenantId,
        state,
        spend,
        maxBudget,
        overrideTotal,
        effective,
        spend == null ? null : BudgetPolicy.percentUsed(spend, effective),
        alertThreshold,
        graceThreshold,
        limits.alertAt(),
        limits.blockAt(),
        spend == null ? null : BudgetPolicy.remaining(spend, effective),
        budgetDuration,
        budgetResetAt,
        source,
        now,
        SpendForecast.projectedBlockAt(spend, limits.blockAt(), burnRatePerHour, now, budgetResetAt),
        SpendForecast.projectedPeriodSpend(spend, burnRatePerHour, now, budgetResetAt),
        litellmSyncPendingSince == null ? BudgetStanding.KeySync.SYNCED : BudgetStanding.KeySync.PENDING);
  }
}
