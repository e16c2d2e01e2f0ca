package io.budgetgate.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What open reservations hold against a tenant's headroom (DESIGN §11, docs/budget-rules.md
 * "Reservations"). A hold counts its amount until it expires. A settled call counts its actual
 * cost until LiteLLM's recorded spend has caught up with it or its settle lag has passed: caught up
 * means the spend has reached the spend read when it was held plus everything settled at or after
 * it (so two calls held at the same spend are not both taken as recorded when LiteLLM has recorded
 * one). The hold's conditional SQL ({@code ReservationDao}) applies the same rule; this is the one
 * the cached status and the tests use.
 */
public final class ReservedAmount {
  private ReservedAmount() {}

  /**
   * One open reservation.
   *
   * @param seq the order in which the tenant's holds were made
   * @param settled whether the call has settled ({@code amount} is then its actual cost)
   * @param amount the held amount, or the actual cost once settled
   * @param spendAtHold the spend the hold was judged against
   * @param until when it stops counting: the hold's expiry, or the settled amount's settle lag
   */
  public record Open(long seq, boolean settled, BigDecimal amount, BigDecimal spendAtHold, Instant until) {}

  /** Why a call is refused. */
  public enum Refusal {
    /** the recorded spend alone has reached block_at (the tenant's state is blocked). */
    BLOCKED,
    /** spend + reserved has reached block_at, or the estimate does not fit in what is left. */
    INSUFFICIENT_HEADROOM;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The amount the open reservations hold now, with the tenant's recorded spend at {@code spend} (null: unknown, as 0). */
  public static BigDecimal reserved(List<Open> open, BigDecimal spend, Instant now) {
    BigDecimal recorded = spend == null ? BigDecimal.ZERO : spend;
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal settledSince = BigDecimal.ZERO;
    for (Open o : open.stream().sorted(Comparator.comparingLong(Open::seq).reversed()).toList()) {
      if (!now.isBefore(o.until())) {
        continue;
      }
      if (!o.settled()) {
        total = total.add(o.amount());
        continue;
      }
      settledSince = settledSince.add(o.amount());
      if (recorded.compareTo(o.spendAtHold().add(settledSince)) < 0) {
        total = total.add(o.amount());
      }
    }
    return total;
  }

  /** {@code block_at - spend - reserved}, never below 0; null when the spend is unknown. */
  public static BigDecimal headroom(BigDecimal blockAt, BigDecimal spend, BigDecimal reserved) {
    if (spend == null) {
      return null;
    }
    return blockAt.subtract(spend).subtract(reserved).max(BigDecimal.ZERO);
  }

  /**
   * Whether a call with this estimate (null: none) may go ahead: refused {@code blocked} when the
   * spend alone has reached block_at, {@code insufficient_headroom} when spend + reserved has, or
   * when the estimate does not fit in what is left. An unknown spend counts as 0 (the fail mode
   * decides whether such a check is answered at all).
   */
  public static Optional<Refusal> judge(BigDecimal blockAt, BigDecimal spend, BigDecimal reserved, BigDecimal estimate) {
    BigDecimal recorded = spend == null ? BigDecimal.ZERO : spend;
    if (recorded.compareTo(blockAt) >= 0) {
      return Optional.of(Refusal.BLOCKED);
    }
    BigDecimal used = recorded.add(reserved);
    if (used.compareTo(blockAt) >= 0 || (estimate != null && used.add(estimate).compareTo(blockAt) > 0)) {
      return Optional.of(Refusal.INSUFFICIENT_HEADROOM);
    }
    return Optional.empty();
  }
}
