package io.budgetgate.budget.api;

import java.math.BigDecimal;

/**
 * The optional body of {@code POST /v1/tenants/{id}/llm-access} (DESIGN §11).
 *
 * @param estimatedCost what the call may cost at most, USD; > 0, at most 6 decimals, within the
 *     amount ceiling. With it, the amount is held against the tenant's headroom
 * @param requestId the caller's id for this call (1-200 characters, no control characters): the
 *     same id for the same tenant gets the same reservation, or the same refusal, never a second hold
 * @param holdSeconds how long the hold lasts unless settled or released (default 300, 1..3600)
 */
public record AccessRequest(BigDecimal estimatedCost, String requestId, Integer holdSeconds) {}
