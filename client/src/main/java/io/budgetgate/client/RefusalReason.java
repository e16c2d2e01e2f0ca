package io.budgetgate.client;

/** Why a reservation was refused ({@code details.reason} of a 402). */
public enum RefusalReason {
  /** Spend (with what is reserved) has reached block_at: wait for the reset or an override. */
  BLOCKED,
  /** The estimate does not fit in the headroom open reservations leave: it comes back as they settle or end. */
  INSUFFICIENT_HEADROOM,
  /** The answer named no reason, or one this client does not know (a newer service). */
  UNKNOWN;

  static RefusalReason of(String wireName) {
    if ("blocked".equals(wireName)) {
      return BLOCKED;
    }
    if ("insufficient_headroom".equals(wireName)) {
      return INSUFFICIENT_HEADROOM;
    }
    return UNKNOWN;
  }
}
