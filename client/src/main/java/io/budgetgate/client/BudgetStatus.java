package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The tenant's budget as BudgetGate judged it (the {@code budget} of a reservation, the
 * {@code details} of a refusal); the service's status has more fields, which this client ignores.
 * Amounts are USD.
 *
 * @param tenantId the tenant
 * @param state {@code ok}, {@code warning}, {@code critical}, {@code blocked} (or {@code unknown})
 * @param allowed whether calls are allowed now
 * @param spend spend this period as LiteLLM reports it; null when unknown
 * @param effectiveBudget max_budget plus active overrides
 * @param blockAt the amount at which calls are refused
 * @param reserved what open reservations hold (this one included, in a reservation's status)
 * @param headroom {@code block_at - spend - reserved}, never below 0; null when the spend is unknown
 * @param budgetResetAt when the period ends, or null without a budget_duration
 * @param degraded true when the spend is not fresh (LiteLLM failing)
 */
public record BudgetStatus(String tenantId, String state, boolean allowed, BigDecimal spend, BigDecimal effectiveBudget,
    BigDecimal blockAt, BigDecimal reserved, BigDecimal headroom, Instant budgetResetAt, boolean degraded) {}
