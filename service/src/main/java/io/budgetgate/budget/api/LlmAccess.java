package io.budgetgate.budget.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The 200 answer of {@code POST /v1/tenants/{id}/llm-access}.
 *
 * @param allowed always true here (a refusal is a 402)
 * @param baseUrl where the agent sends its LiteLLM calls
 * @param apiKey the tenant's LiteLLM virtual key; this is the only answer that carries it
 * @param budget the budget status behind the decision
 * @param reservation the hold made for the request's {@code estimated_cost}; absent without one
 */
public record LlmAccess(boolean allowed, String baseUrl, String apiKey, BudgetStatus budget,
    @JsonInclude(JsonInclude.Include.NON_NULL) HoldView reservation) {

  @Override
  public String toString() {
    return "LlmAccess[allowed=" + allowed + ", baseUrl=" + baseUrl + ", apiKey=sk-****, budget=" + budget + ", reservation="
        + reservation + "]";
  }
}
