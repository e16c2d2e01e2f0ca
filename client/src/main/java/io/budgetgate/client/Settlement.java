package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A reservation after its settle, as the service answers it.
 *
 * @param id the reservation
 * @param requestId the request id it was made with, or null
 * @param status {@code settled}, or {@code recorded} once LiteLLM's spend includes it
 * @param amount the amount that was held
 * @param actualCost what the call cost; it counts instead of the hold until LiteLLM has recorded it
 * @param settledAt when it was settled
 * @param countsUntil until when the actual cost counts at most
 */
public record Settlement(String id, String requestId, String status, BigDecimal amount, BigDecimal actualCost,
    Instant settledAt, Instant countsUntil) {}
