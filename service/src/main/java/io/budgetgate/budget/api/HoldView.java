package io.budgetgate.budget.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * The hold an llm-access 200 carries when the request had an {@code estimated_cost}.
 *
 * @param id settle or release with it
 * @param amount the amount held (the estimate)
 * @param expiresAt when the hold ends by itself unless settled or released
 * @param requestId the caller's request_id, if it gave one
 * @param status {@code held}; a repeated request_id may find it {@code settled}, {@code released} or {@code expired}
 */
public record HoldView(UUID id, BigDecimal amount, Instant expiresAt, String requestId, String status) {}
