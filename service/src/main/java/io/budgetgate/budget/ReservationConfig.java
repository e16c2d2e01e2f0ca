package io.budgetgate.budget;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;

/**
 * The {@code reservations} section (DESIGN §11, docs/budget-rules.md "Reservations").
 *
 * @param settleLag how long a settled amount keeps counting at most while LiteLLM's recorded spend
 *     has not caught up with it (2 min: LiteLLM writes spend in batches every ~10 s)
 * @param defaultHold how long a hold lasts when {@code hold_seconds} is not given (300 s)
 * @param maxHold the longest {@code hold_seconds} accepted (3600 s)
 * @param sweepInterval how often each instance marks expired holds and lapsed settled amounts (10 s);
 *     a hold stops counting at its expiry whether or not the sweep has run
 * @param listFor how long ended reservations stay in {@code GET .../reservations} (1 h)
 * @param keepFor how long ended rows (and the refusals a repeated request_id is answered from) are kept (7 days)
 */
public record ReservationConfig(
    @JsonProperty("settleLag") Duration settleLag,
    @JsonProperty("defaultHold") Duration defaultHold,
    @JsonProperty("maxHold") Duration maxHold,
    @JsonProperty("sweepInterval") Duration sweepInterval,
    @JsonProperty("listFor") Duration listFor,
    @JsonProperty("keepFor") Duration keepFor) {

  public ReservationConfig {
    settleLag = settleLag == null ? Duration.minutes(2) : settleLag;
    defaultHold = defaultHold == null ? Duration.seconds(300) : defaultHold;
    maxHold = maxHold == null ? Duration.seconds(3600) : maxHold;
    sweepInterval = sweepInterval == null ? Duration.seconds(10) : sweepInterval;
    listFor = listFor == null ? Duration.hours(1) : listFor;
    keepFor = keepFor == null ? Duration.days(7) : keepFor;
  }

  public static ReservationConfig defaults() {
    return new ReservationConfig(null, null, null, null, null, null);
  }
}
