package io.budgetgate.budget.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A budget override as the API shows it.
 *
 * @param id override id (for DELETE)
 * @param tenantId the tenant
 * @param amount USD added while active
 * @param reason why it was granted
 * @param startsAt first instant it counts
 * @param expiresAt first instant it no longer counts
 * @param status {@code active}, {@code scheduled}, {@code expired} or {@code revoked}, now
 * @param createdBy token name that granted it
 * @param createdAt when granted
 * @param revokedAt when revoked, or null
 * @param revokedBy token name that revoked it, or null
 */
public record OverrideView(
    UUID id,
    String tenantId,
    BigDecimal amount,
    String reason,
    Instant startsAt,
    Instant expiresAt,
    String status,
    String createdBy,
    Instant createdAt,
    Instant revokedAt,
    String revokedBy) {}
