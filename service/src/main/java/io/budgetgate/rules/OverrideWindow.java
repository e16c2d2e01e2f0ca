package io.budgetgate.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The part of an override the budget rules need: how much, and when it counts.
 *
 * @param amount USD added to the budget while active
 * @param startsAt first instant it counts
 * @param expiresAt first instant it no longer counts
 */
public record OverrideWindow(
    @JsonProperty("amount") BigDecimal amount,
    @JsonProperty("startsAt") Instant startsAt,
    @JsonProperty("expiresAt") Instant expiresAt) {

  /** Active when {@code starts_at <= now < expires_at}. */
  public boolean activeAt(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(expiresAt);
  }
}
