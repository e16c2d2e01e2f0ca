package io.budgetgate.budget;

import io.budgetgate.rules.OverrideWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A time-boxed budget increase as stored in {@code budget_overrides}. */
public record BudgetOverride(
    UUID id,
    String tenantId,
    BigDecimal amount,
    String reason,
    Instant startsAt,
    Instant expiresAt,
    String createdBy,
    Instant createdAt,
    Instant revokedAt,
    String revokedBy) {

  /** The sum of the amounts. */
  static BigDecimal total(List<BudgetOverride> overrides) {
    return overrides.stream().map(BudgetOverride::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  OverrideWindow window() {
    return new OverrideWindow(amount, startsAt, expiresAt);
  }

  /** {@code active}, {@code scheduled}, {@code expired} or {@code revoked} at {@code now}. */
  String statusAt(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    if (now.isBefore(startsAt)) {
      return "scheduled";
    }
    return now.isBefore(expiresAt) ? "active" : "expired";
  }
}
