package io.budgetgate.budget.api;

import java.math.BigDecimal;

/**
 * Body of {@code PATCH /v1/tenants/{id}/budget}: any of the fields; left-out fields keep their
 * value. Same rules as on creation. The LiteLLM key follows (max_budget = block_at).
 *
 * @param maxBudget USD, >= 0, at most 2 decimals
 * @param alertThreshold whole percent 1..100
 * @param graceThreshold whole percent 100..200, >= alert_threshold
 * @param budgetDuration {@code 24h}, {@code 7d}, {@code 30d}, {@code 1mo}...; a change starts a new schedule from now
 */
public record BudgetPatchRequest(
    BigDecimal maxBudget, Integer alertThreshold, Integer graceThreshold, String budgetDuration) {}
