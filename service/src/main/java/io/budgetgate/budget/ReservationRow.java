package io.budgetgate.budget;

import io.budgetgate.rules.ReservedAmount;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code budget_reservations}. */
record ReservationRow(
    UUID id,
    long seq,
    String tenantId,
    String requestId,
    String status,
    BigDecimal amount,
    BigDecimal actualCost,
    BigDecimal spendAtHold,
    String refusedReason,
    Instant createdAt,
    Instant expiresAt,
    Instant settledAt,
    Instant countsUntil,
    Instant endedAt) {

  static final String HELD = "held";
  static final String SETTLED = "settled";
  static final String RELEASED = "released";
  static final String EXPIRED = "expired";
  static final String RECORDED = "recorded";
  static final String REFUSED = "refused";

  /** The row as the counting rule sees it; only for held and settled rows. */
  ReservedAmount.Open open() {
    boolean settled = SETTLED.equals(status);
    return new ReservedAmount.Open(seq, settled, settled ? actualCost : amount, spendAtHold,
        settled ? countsUntil : expiresAt);
  }

  /** What the row is at {@code now}: a hold past its expiry the sweeper has not marked yet is already expired. */
  String statusAt(Instant now) {
    return HELD.equals(status) && !now.isBefore(expiresAt) ? EXPIRED : status;
  }
}
