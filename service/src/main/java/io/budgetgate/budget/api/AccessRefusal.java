package io.budgetgate.budget.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.math.BigDecimal;

/**
 * {@code details} of an llm-access 402: the budget status, why the call is refused, and the
 * estimate it was judged with.
 *
 * @param status the budget status (its fields appear at the top level of details)
 * @param reason {@code blocked} (spend + reserved has reached block_at) or {@code insufficient_headroom}
 *     (the estimate does not fit in the headroom left)
 * @param estimatedCost the request's estimate, or absent
 */
public record AccessRefusal(@JsonUnwrapped BudgetStatus status, String reason,
    @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal estimatedCost) {}
