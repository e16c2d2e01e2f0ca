package io.budgetgate.client;

/**
 * One answer BudgetGate gave.
 *
 * @param request what was asked, e.g. {@code POST /v1/tenants/acme/llm-access} (for messages)
 * @param status the HTTP status
 * @param body the body text, possibly empty
 * @param contentType the {@code Content-Type}, or empty
 * @param retryAfter the raw {@code Retry-After}, or null
 */
record HttpAnswer(String request, int status, String body, String contentType, String retryAfter) {

  boolean succeeded() {
    return status >= 200 && status < 300;
  }
}
