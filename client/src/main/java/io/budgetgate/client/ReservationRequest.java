package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * What to reserve: the most a call may cost, optionally the caller's id for it and how long to hold.
 *
 * @param estimatedCost the most the call may cost, USD (&gt; 0, at most 6 decimals); sent exactly as given
 * @param requestId the caller's id for this call, or null: the same id with the same estimate gets
 *     the same reservation back, so a reserve that timed out can be repeated without holding twice
 * @param holdFor how long the hold lasts unless settled or released (whole seconds, rounded up), or
 *     null for the service's default (300 s)
 */
public record ReservationRequest(BigDecimal estimatedCost, String requestId, Duration holdFor) {

  public ReservationRequest {
    Objects.requireNonNull(estimatedCost, "estimatedCost");
    if (holdFor != null && (holdFor.isNegative() || holdFor.isZero())) {
      throw new IllegalArgumentException("holdFor must be positive, was " + holdFor);
    }
  }

  /** A reservation of this estimate, with no request id and the default hold. */
  public static ReservationRequest of(BigDecimal estimatedCost) {
    return new ReservationRequest(estimatedCost, null, null);
  }

  public ReservationRequest withRequestId(String id) {
    return new ReservationRequest(estimatedCost, id, holdFor);
  }

  public ReservationRequest withHoldFor(Duration duration) {
    return new ReservationRequest(estimatedCost, requestId, duration);
  }

  /** {@code hold_seconds}: a hold is never shorter than asked. */
  Long holdSeconds() {
    if (holdFor == null) {
      return null;
    }
    return holdFor.toSeconds() + (holdFor.toNanosPart() > 0 ? 1 : 0);
  }
}
