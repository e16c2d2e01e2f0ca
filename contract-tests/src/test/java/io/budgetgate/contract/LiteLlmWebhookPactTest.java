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
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LiteLLM as the consumer of BudgetGate's webhook: what its alerting sends (its full
 * {@code WebhookEvent}, nulls included, one interaction per event) and what it gets back. The
 * provider side ({@link BudgetGateWebhookProviderIT}) signs each request as a relay would. A body
 * that is not JSON cannot be expressed as a Pact interaction (the mock server parses JSON bodies);
 * its 400 is covered over real HTTP by WebhookIT.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = Contracts.BUDGETGATE_WEBHOOKS, pactVersion = PactSpecVersion.V4)
class LiteLlmWebhookPactTest {

  /**
   * LiteLLM's WebhookEvent with every field it sends; spend and event vary. Key events here carry
   * {@code token: null} and find the tenant by alias, because the key's hash is only known once the
   * provider has created the tenant; the token path is covered over HTTP by WebhookIT.
   */
  static PactDslJsonBody event(String event, String spend) {
    return event(event, spend, "key", null);
  }

  /** The same for another entity's event, which LiteLLM builds with the calling key's token. */
  static PactDslJsonBody event(String event, String spend, String group, String token) {
    PactDslJsonBody body = new PactDslJsonBody()
        .decimalType("spend", new BigDecimal(spend))
        .decimalType("max_budget", new BigDecimal("110.0"))
        .nullValue("soft_budget");
    body = token == null ? body.nullValue("token") : body.stringMatcher("token", "[0-9a-f]{64}", token);
    return body
        .nullValue("customer_id")
        .nullValue("user_id")
        .nullValue("team_id")
        .nullValue("team_alias")
        .nullValue("organization_id")
        .nullValue("user_email")
        .stringType("key_alias", "acme")
        .nullValue("projected_exceeded_date")
        .nullValue("projected_spend")
        .nullValue("alert_emails")
        .stringValue("event", event)
        .stringValue("event_group", group)
        .stringType("event_message", "Key Budget: Threshold Crossed");
  }

  static final String CALLER_TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  static V4Pact ignored(PactDslWithProvider builder, String description, String path, PactDslJsonBody body, String reason) {
    return builder
        .given(Contracts.TENANT_ACME)
        .uponReceiving(description)
        .method("POST").path(path)
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(body)
        .willRespondWith().status(200)
        .body(new PactDslJsonBody().stringValue("status", "ignored").stringValue("reason", reason))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact teamBudgetCrossed(PactDslWithProvider builder) {
    return ignored(builder, "a team's budget_crossed event carrying the calling key's token", "/webhooks/litellm",
        event("budget_crossed", "9000.0", "team", CALLER_TOKEN), "not_a_key_event");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact proxyBudgetCrossed(PactDslWithProvider builder) {
    return ignored(builder, "the proxy's budget_crossed event carrying the calling key's token", "/webhooks/litellm",
        event("budget_crossed", "9000.0", "proxy", CALLER_TOKEN), "not_a_key_event");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact unknownKeyOnThePathTokenEndpoint(PactDslWithProvider builder) {
    return ignored(builder, "an unsigned event on the path-token endpoint for a key BudgetGate does not manage",
        "/webhooks/litellm/" + PATH_TOKEN, event("threshold_crossed", "95.0", "key", CALLER_TOKEN), "unknown_key");
  }

  /** The path token the provider side configures (BudgetGateWebhookProviderIT). */
  static final String PATH_TOKEN = "contract-path-token-0123456789";

  static V4Pact accepted(PactDslWithProvider builder, String event, String spend, String level) {
    return builder
        .given(Contracts.TENANT_ACME)
        .uponReceiving("a " + event + " event at spend " + spend)
        .method("POST").path("/webhooks/litellm")
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(event(event, spend))
        .willRespondWith().status(200)
        .body(new PactDslJsonBody()
            .stringValue("status", "accepted")
            .uuid("alert_id")
            .stringValue("level", level)
            .booleanType("notified", true))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact budgetCrossed(PactDslWithProvider builder) {
    return accepted(builder, "budget_crossed", "112.0", "blocked");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact softBudgetCrossed(PactDslWithProvider builder) {
    return accepted(builder, "soft_budget_crossed", "82.0", "warning");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact thresholdCrossed(PactDslWithProvider builder) {
    return accepted(builder, "threshold_crossed", "95.5", "warning");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact projectedLimitExceeded(PactDslWithProvider builder) {
    return accepted(builder, "projected_limit_exceeded", "101.0", "critical");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact maxBudgetAlert(PactDslWithProvider builder) {
    return accepted(builder, "max_budget_alert", "88.0", "warning");
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact spendTracked(PactDslWithProvider builder) {
    return builder
        .given(Contracts.TENANT_ACME)
        .uponReceiving("a spend_tracked event (one request's cost)")
        .method("POST").path("/webhooks/litellm")
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(event("spend_tracked", "0.0125", "end_user", CALLER_TOKEN))
        .willRespondWith().status(200)
        .body(new PactDslJsonBody().stringValue("status", "ignored").stringValue("reason", "not_a_key_event"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact unsigned(PactDslWithProvider builder) {
    return builder
        .given(Contracts.TENANT_ACME)
        .uponReceiving("an unsigned event")
        .method("POST").path("/webhooks/litellm")
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(event("budget_crossed", "112.0"))
        .willRespondWith().status(401)
        .body(error("invalid_signature"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = Contracts.LITELLM)
  V4Pact missingFields(PactDslWithProvider builder) {
    return builder
        .given(Contracts.TENANT_ACME)
        .uponReceiving("an event without spend and without a key")
        .method("POST").path("/webhooks/litellm")
        .matchHeader("Content-Type", Contracts.JSON_TYPE, "application/json")
        .body(new PactDslJsonBody().stringValue("event", "budget_crossed").nullValue("key_alias"))
        .willRespondWith().status(422)
        .body(error("validation_failed").object("details").eachLike("fields", 1).stringType("field", "spend")
            .stringType("message", "is required").closeObject().closeArray().closeObject())
        .toPact(V4Pact.class);
  }

  static PactDslJsonBody error(String code) {
    return new PactDslJsonBody().integerType("code").stringValue("error", code).stringType("message", "what went wrong");
  }

  @Test
  @PactTestFor(pactMethod = "budgetCrossed")
  void budgetCrossed(MockServer server) {
    assertThat(send(server, "budget_crossed", "112.0").status()).isEqualTo(200);
  }

  @Test
  @PactTestFor(pactMethod = "softBudgetCrossed")
  void softBudgetCrossed(MockServer server) {
    assertThat(send(server, "soft_budget_crossed", "82.0").status()).isEqualTo(200);
  }

  @Test
  @PactTestFor(pactMethod = "thresholdCrossed")
  void thresholdCrossed(MockServer server) {
    assertThat(send(server, "threshold_crossed", "95.5").status()).isEqualTo(200);
  }

  @Test
  @PactTestFor(pactMethod = "projectedLimitExceeded")
  void projectedLimitExceeded(MockServer server) {
    assertThat(send(server, "projected_limit_exceeded", "101.0").status()).isEqualTo(200);
  }

  @Test
  @PactTestFor(pactMethod = "maxBudgetAlert")
  void maxBudgetAlert(MockServer server) {
    assertThat(send(server, "max_budget_alert", "88.0").status()).isEqualTo(200);
  }

  @Test
  @PactTestFor(pactMethod = "spendTracked")
  void spendTracked(MockServer server) {
    assertThat(send(server, "/webhooks/litellm", "spend_tracked", "0.0125", "end_user", CALLER_TOKEN).json()
        .get("status").asText()).isEqualTo("ignored");
  }

  @Test
  @PactTestFor(pactMethod = "teamBudgetCrossed")
  void teamBudgetCrossed(MockServer server) {
    assertThat(send(server, "/webhooks/litellm", "budget_crossed", "9000.0", "team", CALLER_TOKEN).json()
        .get("reason").asText()).isEqualTo("not_a_key_event");
  }

  @Test
  @PactTestFor(pactMethod = "proxyBudgetCrossed")
  void proxyBudgetCrossed(MockServer server) {
    assertThat(send(server, "/webhooks/litellm", "budget_crossed", "9000.0", "proxy", CALLER_TOKEN).json()
        .get("reason").asText()).isEqualTo("not_a_key_event");
  }

  @Test
  @PactTestFor(pactMethod = "unknownKeyOnThePathTokenEndpoint")
  void unknownKeyOnThePathTokenEndpoint(MockServer server) {
    assertThat(send(server, "/webhooks/litellm/" + PATH_TOKEN, "threshold_crossed", "95.0", "key", CALLER_TOKEN).json()
        .get("reason").asText()).isEqualTo("unknown_key");
  }

  @Test
  @PactTestFor(pactMethod = "unsigned")
  void unsigned(MockServer server) {
    assertThat(send(server, "budget_crossed", "112.0").status()).isEqualTo(401);
  }

  @Test
  @PactTestFor(pactMethod = "missingFields")
  void missingFields(MockServer server) {
    assertThat(new ApiClient(server.getUrl()).post("/webhooks/litellm", null,
        "{\"event\": \"budget_crossed\", \"key_alias\": null}").status()).isEqualTo(422);
  }

  /** What LiteLLM's send_webhook_alert posts: WebhookEvent.model_dump_json(), Content-type application/json. */
  static ApiClient.Answer send(MockServer server, String event, String spend) {
    return send(server, "/webhooks/litellm", event, spend, "key", null);
  }

  static ApiClient.Answer send(MockServer server, String path, String event, String spend, String group, String token) {
    String body = "{\"spend\": " + spend + ", \"max_budget\": 110.0, \"soft_budget\": null, \"token\": "
        + (token == null ? "null" : "\"" + token + "\"") + ", \"customer_id\": null,"
        + " \"user_id\": null, \"team_id\": null, \"team_alias\": null, \"organization_id\": null, \"user_email\": null,"
        + " \"key_alias\": \"acme\", \"projected_exceeded_date\": null, \"projected_spend\": null, \"alert_emails\": null,"
        + " \"event\": \"" + event + "\", \"event_group\": \"" + group + "\", \"event_message\": \"Key Budget: Threshold Crossed\"}";
    return new ApiClient(server.getUrl()).post(path, null, body);
  }
}
