package io.budgetgate.client;

/**
 * Bodies shaped like the service's real answers, field for field: the budget status is
 * {@code budget/api/BudgetStatus} (example in docs/api.md, "GET .../budget"), the access 200 is
 * {@code LlmAccess} with its {@code HoldView}, a 402's details are {@code AccessRefusal} (the status
 * unwrapped, plus reason and estimated_cost), a settle answer is {@code ReservationView}, and every
 * error is {@code platform/http/ApiError}; all written snake_case with plain decimals and ISO
 * instants ({@code BudgetGateApplication.configureJson}).
 */
final class ServiceAnswers {
  static final String KEY = "sk-tenant-virtual-key-9f8e7d";
  static final String RESERVATION_ID = "0b6f1f7e-3c1a-4d8e-9a55-2f1c7d9e4b10";

  private ServiceAnswers() {}

  /** A tenant at spend 105 of block_at 110 with {@code reserved} held. */
  static String status(String tenant, String reserved, String headroom) {
    return """
        {"tenant_id": "%s", "state": "critical", "allowed": true, "spend": 105, "max_budget": 100.00,
         "override_total": 0, "effective_budget": 100.00, "percent_used": 105.00, "alert_threshold": 80,
         "grace_threshold": 110, "alert_at": 80.00, "block_at": 110.00, "remaining": 0.00,
         "budget_duration": "30d", "budget_reset_at": "2026-12-01T00:00:00Z", "source": "live",
         "degraded": false, "checked_at": "2026-11-29T12:00:00Z", "projected_block_at": null,
         "projected_period_spend": null, "litellm_sync": "synced", "reserved": %s, "headroom": %s}"""
        .formatted(tenant, reserved, headroom);
  }

  /** llm-access 200 with a hold of {@code amount} in {@code status}. */
  static String access(String tenant, String amount, String requestId, String status) {
    return """
        {"allowed": true, "base_url": "http://litellm.internal:4000", "api_key": "%s", "budget": %s,
         "reservation": {"id": "%s", "amount": %s, "expires_at": "2026-11-29T12:05:00Z", "request_id": %s,
         "status": "%s"}}"""
        .formatted(KEY, status(tenant, amount, "4.00"), RESERVATION_ID, amount,
            requestId == null ? "null" : "\"" + requestId + "\"", status);
  }

  /** llm-access 200 without an estimate: no reservation (LlmAccess leaves it out). */
  static String accessWithoutHold(String tenant) {
    return """
        {"allowed": true, "base_url": "http://litellm.internal:4000", "api_key": "%s", "budget": %s}"""
        .formatted(KEY, status(tenant, "0", "5.00"));
  }

  /** llm-access 402 for {@code reason} ({@code LlmAccessResource.decide}). */
  static String refusal(String tenant, String reason, String message) {
    String status = status(tenant, "5.00", "0");
    String details = status.substring(0, status.lastIndexOf('}')) + ", \"reason\": \"" + reason
        + "\", \"estimated_cost\": 1.00}";
    return "{\"code\": 402, \"error\": \"budget_exceeded\", \"message\": \"" + message + "\", \"details\": " + details + "}";
  }

  /** A settle 200: the {@code ReservationView} of a settled reservation. */
  static String settled(String actualCost) {
    return """
        {"id": "%s", "request_id": "call-7", "status": "settled", "amount": 1.00, "actual_cost": %s,
         "spend_at_hold": 105, "created_at": "2026-11-29T12:00:00Z", "expires_at": "2026-11-29T12:05:00Z",
         "settled_at": "2026-11-29T12:01:00Z", "counts_until": "2026-11-29T12:03:00Z", "ended_at": null}"""
        .formatted(RESERVATION_ID, actualCost);
  }

  /** Any {@code ApiError} without details. */
  static String error(int code, String error, String message) {
    return "{\"code\": " + code + ", \"error\": \"" + error + "\", \"message\": \"" + message + "\"}";
  }
}
