package io.budgetgate.budget;

import io.budgetgate.rules.BudgetState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * Where a tenant stands against its budget at one instant: the value every feature works with.
 * Resources turn it into the wire record {@link io.budgetgate.budget.api.BudgetStatus}; the
 * components mean the same as the fields there (docs/budget-rules.md), with enums for the state,
 * the spend's source and the key's sync.
 *
 * @param spend spend this period as LiteLLM reports it; null when unknown
 * @param budgetDuration the budget period as configured ({@code 30d}), or null
 */
public record BudgetStanding(
    String tenantId,
    BudgetState state,
    BigDecimal spend,
    BigDecimal maxBudget,
    BigDecimal overrideTotal,
    BigDecimal effectiveBudget,
    BigDecimal percentUsed,
    int alertThreshold,
    int graceThreshold,
    BigDecimal alertAt,
    BigDecimal blockAt,
    BigDecimal remaining,
    String budgetDuration,
    Instant budgetResetAt,
    SpendSource source,
    Instant checkedAt,
    Instant projectedBlockAt,
    BigDecimal projectedPeriodSpend,
    KeySync litellmSync) {

  /** Whether the LiteLLM key holds block_at as its max_budget yet. */
  public enum KeySync {
    /** The key holds block_at. */
    SYNCED,
    /** A change (or an override that started or ended) is still on its way to the key. */
    PENDING;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether calls are allowed now: false exactly when blocked. */
  public boolean allowed() {
    return state != BudgetState.BLOCKED;
  }

  /** True when the answer is not based on a fresh spend (stale or unavailable). */
  public boolean degraded() {
    return source.degraded();
  }
}
