package io.budgetgate.budget.api;

import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.rules.ReservedAmount;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A tenant's budget status ({@code GET /v1/tenants/{id}/budget}, and {@code details} of a 402).
 * Amounts are USD; percentages are whole-number percents.
 *
 * @param tenantId the tenant
 * @param state {@code ok}, {@code warning}, {@code critical}, {@code blocked}; {@code unknown} only when no spend is known and the fail mode is open
 * @param allowed whether calls are allowed now: false when blocked, or when spend + reserved has reached block_at
 * @param spend spend this period as LiteLLM reports it (negative counts as 0); null when unknown
 * @param maxBudget the tenant's own budget
 * @param overrideTotal sum of the overrides active now
 * @param effectiveBudget max_budget + override_total
 * @param percentUsed spend / effective_budget x 100, 2 decimals rounded down; null when the budget is 0 or spend unknown
 * @param alertThreshold percent at which the state becomes warning
 * @param graceThreshold percent at which calls are blocked
 * @param alertAt USD at which the state becomes warning
 * @param blockAt USD at which calls are blocked; the LiteLLM key's max_budget
 * @param remaining USD left before 100 % (never below 0); null when spend unknown
 * @param budgetDuration the budget period, or null
 * @param budgetResetAt when the current period ends, or null
 * @param source where the spend came from: {@code live} (LiteLLM now), {@code cache}, {@code stale} (last known, LiteLLM failing), {@code unavailable}
 * @param degraded true when the answer is not based on a fresh spend (stale or unavailable)
 * @param checkedAt when this status was computed
 * @param projectedBlockAt when spend reaches block_at at the recent burn rate (docs/budget-rules.md,
 *     "Forecast"); {@code checked_at} when already blocked; null when spend does not grow, too few
 *     recent samples, the reset comes first, or the spend is unknown
 * @param projectedPeriodSpend spend by {@code budget_reset_at} at the recent burn rate (not capped at
 *     block_at); null without a reset date or without a known rate
 * @param litellmSync {@code synced} when the LiteLLM key holds block_at as its max_budget;
 *     {@code pending} while a change (or an override that started or ended) is still on its way to
 *     the key: the key sync retries until LiteLLM agrees (docs/budget-rules.md, "LiteLLM key sync")
 * @param reserved what open reservations hold against the budget: unsettled holds plus settled
 *     amounts LiteLLM has not recorded yet (docs/budget-rules.md, "Reservations"); 0 without any
 * @param headroom {@code block_at - spend - reserved}, never below 0; null when the spend is unknown
 */
public record BudgetStatus(
    String tenantId,
    String state,
    boolean allowed,
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
    String source,
    boolean degraded,
    Instant checkedAt,
    Instant projectedBlockAt,
    BigDecimal projectedPeriodSpend,
    String litellmSync,
    BigDecimal reserved,
    BigDecimal headroom) {

  /**
   * The wire form of a standing with what its open reservations hold (the only place the enums
   * become strings): not allowed when blocked, nor when spend + reserved has reached block_at.
   */
  public static BudgetStatus of(BudgetStanding s, BigDecimal reserved) {
    boolean allowed = s.allowed()
        && ReservedAmount.judge(s.blockAt(), s.spend(), reserved, null).isEmpty();
    return new BudgetStatus(s.tenantId(), s.state().wireName(), allowed, s.spend(), s.maxBudget(),
        s.overrideTotal(), s.effectiveBudget(), s.percentUsed(), s.alertThreshold(), s.graceThreshold(), s.alertAt(),
        s.blockAt(), s.remaining(), s.budgetDuration(), s.budgetResetAt(), s.source().wireName(), s.degraded(),
        s.checkedAt(), s.projectedBlockAt(), s.projectedPeriodSpend(), s.litellmSync().wireName(), reserved,
        ReservedAmount.headroom(s.blockAt(), s.spend(), reserved));
  }
}
