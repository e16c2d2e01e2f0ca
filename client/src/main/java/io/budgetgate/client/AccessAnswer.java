package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The 200 of {@code POST /v1/tenants/{id}/llm-access} as the service writes it ({@code LlmAccess}
 * and {@code HoldView} in the service's {@code budget.api}); only read into a {@link Reservation}.
 */
record AccessAnswer(boolean allowed, String baseUrl, String apiKey, BudgetStatus budget, Hold reservation) {

  /** The hold made for the estimate. */
  record Hold(String id, BigDecimal amount, Instant expiresAt, String requestId, String status) {}

  boolean complete() {
    return apiKey != null && baseUrl != null && budget != null && reservation != null && reservation.id() != null
        && reservation.amount() != null && reservation.status() != null;
  }

  @Override
  public String toString() {
    return "AccessAnswer[allowed=" + allowed + ", baseUrl=" + baseUrl + ", apiKey=****, budget=" + budget
        + ", reservation=" + reservation + "]";
  }
}
