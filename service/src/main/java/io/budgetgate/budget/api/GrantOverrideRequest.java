package io.budgetgate.budget.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Body of {@code POST /v1/tenants/{id}/budget/overrides}: a time-boxed budget increase.
 *
 * @param amount USD added to the budget while active; > 0, at most 2 decimals
 * @param reason why (required; shown in the audit trail)
 * @param expiresAt when it stops counting; must be in the future and after starts_at
 * @param startsAt when it starts counting (default: now)
 */
@Schema(requiredProperties = {"amount", "reason", "expires_at"})
public record GrantOverrideRequest(BigDecimal amount, String reason, Instant expiresAt, Instant startsAt) {}
