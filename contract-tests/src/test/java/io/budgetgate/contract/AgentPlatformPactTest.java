package io.budgetgate.contract;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent platform as consumer of BudgetGate's API: budget status and the llm-access decision
 * (allowed, grace band, 402), reservations (hold an estimate, a refusal for lack of headroom,
 * settle, release, an unknown reservation), and the 401 / 403 / 404 bodies it must handle.
 * Verified against the running service by {@link BudgetGateApiProviderIT}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = Contracts.BUDGETGATE_API, pactVersion = PactSpecVersion.V4)
class AgentPlatformPactTest {
  static final String BEARER = "Bearer [A-Za-z0-9._-]+";
  static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z";
  static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final String EXAMPLE_ID = "6f1c2a4e-3b5d-4e7f-8a9b-0c1d2e3f4a5b";

  static PactDslJsonBody status(PactDslJsonBody body, String state, boolean allowed) {
    return body
        .stringValue("tenant_id", "acme")
        .stringValue("state", state)
        .booleanValue("allowed", allowed)
        .numberType("spend")
        .numberType("max_budget")
        .numberType("override_total")
        .numberType("effective_budget")
        .numberType("percent_used")
        .integerType("alert_threshold")
        .integerType("grace_threshold")
        .numberType("alert_at")
        .numberType("block_at")
        .numberType("remaining")
        .stringMatcher("source", "live|cache|stale|unavailable", "live")
        .booleanType("degraded", false)
        .stringMatcher("checked_at", ISO, "2026-11-29T12:00:00.123456Z");
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact budgetStatus(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for acme's budget status")
        .method("GET").path("/v1/tenants/acme/budget")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(200)
        .body(status(new PactDslJsonBody(), "ok", true))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact accessAllowed(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for LLM access within budget")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .booleanValue("allowed", true)
            .stringMatcher("base_url", "https?://.+", "http://litellm:4000")
            .stringMatcher("api_key", "sk-[A-Za-z0-9_-]+", "sk-acme-virtual-key")
            .object("budget").stringValue("state", "ok").booleanValue("allowed", true).closeObject())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact accessInGrace(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_105)
        .uponReceiving("a request for LLM access in the grace band")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .booleanValue("allowed", true)
            .stringMatcher("api_key", "sk-[A-Za-z0-9_-]+", "sk-acme-virtual-key")
            .object("budget").stringValue("state", "critical").booleanValue("allowed", true).closeObject())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact accessRefused(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_115)
        .uponReceiving("a request for LLM access over the grace limit")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(402)
        .matchHeader("Retry-After", "\\d+", "86400")
        .body(status(new PactDslJsonBody()
            .integerType("code", 402)
            .stringValue("error", "budget_exceeded")
            .stringMatcher("message", ".*acme.*", "tenant 'acme' is over budget: ...")
            .object("details"), "blocked", false)
            .stringValue("budget_duration", "30d")
            .stringMatcher("budget_reset_at", ISO, "2026-12-01T00:00:00Z")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact reserve(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for LLM access that holds an estimated cost")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(new PactDslJsonBody().stringValue("estimated_cost", "0.42").stringValue("request_id", "agent-call-1")
            .integerType("hold_seconds", 300))
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .booleanValue("allowed", true)
            .stringMatcher("api_key", "sk-[A-Za-z0-9_-]+", "sk-acme-virtual-key")
            .object("budget").booleanValue("allowed", true).numberType("reserved").numberType("headroom").closeObject()
            .object("reservation")
            .stringMatcher("id", UUID, EXAMPLE_ID)
            .decimalType("amount", 0.42)
            .stringMatcher("expires_at", ISO, "2026-11-29T12:05:00Z")
            .stringValue("request_id", "agent-call-1")
            .stringValue("status", "held")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact reserveRefused(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_105)
        .uponReceiving("a request to hold more than the headroom left")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(new PactDslJsonBody().stringValue("estimated_cost", "6.00"))
        .willRespondWith().status(402)
        .body(new PactDslJsonBody()
            .integerType("code", 402)
            .stringValue("error", "budget_exceeded")
            .stringMatcher("message", ".*acme.*headroom.*", "tenant 'acme' has $5 of headroom left ...")
            .object("details")
            .stringValue("reason", "insufficient_headroom")
            .numberType("headroom")
            .numberType("reserved")
            .numberType("block_at")
            .closeObject())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact settle(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_HOLDS_042)
        .uponReceiving("a settle of a held reservation with its actual cost")
        .method("POST")
        .pathFromProviderState("/v1/tenants/acme/reservations/${reservationId}/settle",
            "/v1/tenants/acme/reservations/" + EXAMPLE_ID + "/settle")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(new PactDslJsonBody().stringValue("actual_cost", "0.38"))
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .stringMatcher("id", UUID, EXAMPLE_ID)
            .stringValue("status", "settled")
            .decimalType("amount", 0.42)
            .decimalType("actual_cost", 0.38)
            .stringMatcher("counts_until", ISO, "2026-11-29T12:02:00Z"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact release(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_HOLDS_042)
        .uponReceiving("a release of a held reservation whose call did not happen")
        .method("DELETE")
        .pathFromProviderState("/v1/tenants/acme/reservations/${reservationId}",
            "/v1/tenants/acme/reservations/" + EXAMPLE_ID)
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(204)
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact unknownReservation(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a settle of a reservation that does not exist")
        .method("POST").path("/v1/tenants/acme/reservations/00000000-0000-4000-8000-000000000000/settle")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(new PactDslJsonBody().stringValue("actual_cost", "0.38"))
        .willRespondWith().status(404)
        .body(LiteLlmWebhookPactTest.error("unknown_reservation"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact noToken(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for LLM access without a token")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .willRespondWith().status(401)
        .body(LiteLlmWebhookPactTest.error("unauthorized"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact wrongRole(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for LLM access with a viewer token")
        .method("POST").path("/v1/tenants/acme/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.VIEWER)
        .willRespondWith().status(403)
        .body(LiteLlmWebhookPactTest.error("forbidden"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.AGENT_PLATFORM)
  V4Pact unknownTenant(PactDslWithProvider builder) {
    return builder
        .given(Contracts.ACME_SPEND_50)
        .uponReceiving("a request for LLM access of an unknown tenant")
        .method("POST").path("/v1/tenants/nobody/llm-access")
        .matchHeader("Authorization", BEARER, "Bearer " + TestTokens.PLATFORM)
        .willRespondWith().status(404)
        .body(LiteLlmWebhookPactTest.error("unknown_tenant"))
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "budgetStatus")
  void readsTheStatus(MockServer server) {
    assertThat(api(server).get("/v1/tenants/acme/budget", TestTokens.PLATFORM).json().get("state").asText()).isEqualTo("ok");
  }

  @Test
  @PactTestFor(pactMethod = "accessAllowed")
  void getsTheKeyWhenAllowed(MockServer server) {
    assertThat(api(server).post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM, "").json().get("api_key").asText()).startsWith("sk-");
  }

  @Test
  @PactTestFor(pactMethod = "accessInGrace")
  void getsTheKeyInTheGraceBand(MockServer server) {
    assertThat(api(server).post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM, "").json().at("/budget/state").asText())
        .isEqualTo("critical");
  }

  @Test
  @PactTestFor(pactMethod = "accessRefused")
  void isToldToStopAndWhenToRetry(MockServer server) {
    ApiClient.Answer answer = api(server).post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM, "");
    assertThat(answer.status()).isEqualTo(402);
    assertThat(answer.header("Retry-After")).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "reserve")
  void holdsAnEstimateAndGetsTheReservation(MockServer server) {
    ApiClient.Answer answer = api(server).post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM,
        "{\"estimated_cost\": \"0.42\", \"request_id\": \"agent-call-1\", \"hold_seconds\": 300}");
    assertThat(answer.json().at("/reservation/status").asText()).isEqualTo("held");
    assertThat(answer.json().at("/reservation/id").asText()).matches(UUID);
  }

  @Test
  @PactTestFor(pactMethod = "reserveRefused")
  void isRefusedAnEstimateThatDoesNotFit(MockServer server) {
    ApiClient.Answer answer = api(server).post("/v1/tenants/acme/llm-access", TestTokens.PLATFORM,
        "{\"estimated_cost\": \"6.00\"}");
    assertThat(answer.status()).isEqualTo(402);
    assertThat(answer.json().at("/details/reason").asText()).isEqualTo("insufficient_headroom");
  }

  @Test
  @PactTestFor(pactMethod = "settle")
  void settlesWithTheActualCost(MockServer server) {
    ApiClient.Answer answer = api(server).post("/v1/tenants/acme/reservations/" + EXAMPLE_ID + "/settle",
        TestTokens.PLATFORM, "{\"actual_cost\": \"0.38\"}");
    assertThat(answer.json().get("status").asText()).isEqualTo("settled");
  }

  @Test
  @PactTestFor(pactMethod = "release")
  void releasesAHoldWhoseCallDidNotHappen(MockServer server) {
    assertThat(api(server).send("DELETE", "/v1/tenants/acme/reservations/" + EXAMPLE_ID, TestTokens.PLATFORM, null, null)
        .status()).isEqualTo(204);
  }

  @Test
  @PactTestFor(pactMethod = "unknownReservation")
  void anUnknownReservationIs404(MockServer server) {
    assertThat(api(server).post("/v1/tenants/acme/reservations/00000000-0000-4000-8000-000000000000/settle",
        TestTokens.PLATFORM, "{\"actual_cost\": \"0.38\"}").json().get("error").asText()).isEqualTo("unknown_reservation");
  }

  @Test
  @PactTestFor(pactMethod = "noToken")
  void withoutATokenIs401(MockServer server) {
    assertThat(api(server).post("/v1/tenants/acme/llm-access", null, "").status()).isEqualTo(401);
  }

  @Test
  @PactTestFor(pactMethod = "wrongRole")
  void withTheWrongRoleIs403(MockServer server) {
    assertThat(api(server).post("/v1/tenants/acme/llm-access", TestTokens.VIEWER, "").status()).isEqualTo(403);
  }

  @Test
  @PactTestFor(pactMethod = "unknownTenant")
  void anUnknownTenantIs404(MockServer server) {
    assertThat(api(server).post("/v1/tenants/nobody/llm-access", TestTokens.PLATFORM, "").status()).isEqualTo(404);
  }

  private static ApiClient api(MockServer server) {
    return new ApiClient(server.getUrl());
  }
}
