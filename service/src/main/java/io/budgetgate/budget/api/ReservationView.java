package io.budgetgate.budget.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A reservation as {@code GET .../reservations} and settle show it.
 *
 * @param id the reservation
 * @param requestId the caller's request_id, or null
 * @param status {@code held}, {@code settled} (its actual cost still counts), {@code recorded}
 *     (its settle lag passed), {@code released} or {@code expired}
 * @param amount the amount held
 * @param actualCost what the call cost, once settled
 * @param spendAtHold the spend the hold was judged against
 * @param createdAt when it was held
 * @param expiresAt when the hold ends (or ended) by itself
 * @param settledAt when it was settled
 * @param countsUntil until when a settled amount counts at most (settled_at + reservations.settleLag)
 * @param endedAt when it was released, expired or recorded
 */
public record ReservationView(UUID id, String requestId, String status, BigDecimal amount, BigDecimal actualCost,
    BigDecimal spendAtHold, Instant createdAt, Instant expiresAt, Instant settledAt, Instant countsUntil,
    Instant endedAt) {}
