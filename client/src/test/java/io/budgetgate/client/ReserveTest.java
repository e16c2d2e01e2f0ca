package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.client.FakeBudgetGate.Reply;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** reserve: the request BudgetGate receives and the reservation read from its 200. */
class ReserveTest {
  private final FakeBudgetGate server = newServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theEstimateIsSentAsAnExactDecimalStringWithTheBearerToken() throws Exception {
    server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "0.000001", null, "held")));

    server.client().reserve("acme", new BigDecimal("0.000001"));

    FakeBudgetGate.Request sent = server.requests().get(0);
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.rawPath()).isEqualTo("/v1/tenants/acme/llm-access");
    assertThat(sent.authorization()).isEqualTo("Bearer " + FakeBudgetGate.TOKEN);
    assertThat(sent.contentType()).isEqualTo("application/json");
    assertThat(sent.body()).isEqualTo("{\"estimated_cost\":\"0.000001\"}");
  }

  @Test
  void largeAndScientificEstimatesKeepEveryDigit() throws Exception {
    server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "1.00", null, "held")));
    BudgetGateClient client = server.client();

    client.reserve("acme", new BigDecimal("123456789.123456"));
    client.reserve("acme", new BigDecimal("1E-6"));
    client.reserve("acme", new BigDecimal("0.10"));

    assertThat(server.requests()).extracting(r -> AnswerReader.JSON.readTree(r.body()).get("estimated_cost").asText())
        .containsExactly("123456789.123456", "0.000001", "0.10");
  }

  @Test
  void aRequestIdAndAHoldAreSentWithTheHoldRoundedUpToWholeSeconds() throws Exception {
    server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "0.42", "call-7", "held")));

    server.client().reserve("acme", ReservationRequest.of(new BigDecimal("0.42")).withRequestId("call-7")
        .withHoldFor(Duration.ofMillis(90_500)));

    JsonNode body = AnswerReader.JSON.readTree(server.requests().get(0).body());
    assertThat(body.get("estimated_cost").asText()).isEqualTo("0.42");
    assertThat(body.get("request_id").asText()).isEqualTo("call-7");
    assertThat(body.get("hold_seconds").isIntegralNumber()).isTrue();
    assertThat(body.get("hold_seconds").asLong()).isEqualTo(91);
  }

  @Test
  void aHoldIsReadWithItsKeyAddressAndTheBudgetThatIncludesIt() {
    server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "1.00", "call-7", "held")));

    Reservation r = server.client().reserve("acme", ReservationRequest.of(BigDecimal.ONE).withRequestId("call-7"));

    assertThat(r.id()).isEqualTo(ServiceAnswers.RESERVATION_ID);
    assertThat(r.tenantId()).isEqualTo("acme");
    assertThat(r.amount()).isEqualByComparingTo("1.00");
    assertThat(r.expiresAt()).isEqualTo(Instant.parse("2026-11-29T12:05:00Z"));
    assertThat(r.requestId()).contains("call-7");
    assertThat(r.status()).isEqualTo("held");
    assertThat(r.apiKey()).isEqualTo(ServiceAnswers.KEY);
    assertThat(r.baseUrl()).isEqualTo("http://litellm.internal:4000");
    assertThat(r.budget().tenantId()).isEqualTo("acme");
    assertThat(r.budget().state()).isEqualTo("critical");
    assertThat(r.budget().allowed()).isTrue();
    assertThat(r.budget().spend()).isEqualByComparingTo("105");
    assertThat(r.budget().effectiveBudget()).isEqualByComparingTo("100");
    assertThat(r.budget().blockAt()).isEqualTo(new BigDecimal("110.00"));
    assertThat(r.budget().reserved()).isEqualByComparingTo("1.00");
    assertThat(r.budget().headroom()).isEqualTo(new BigDecimal("4.00"));
    assertThat(r.budget().budgetResetAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(r.budget().degraded()).isFalse();
  }

  @Test
  void tenantAndReservationIdsStayOneEncodedPathSegment() {
    server.answer(req -> req.rawPath().endsWith("/settle") ? Reply.json(200, ServiceAnswers.settled("1"))
        : req.method().equals("DELETE") ? Reply.noContent()
        : Reply.json(200, ServiceAnswers.access("x", "1", null, "held")));
    BudgetGateClient client = server.client();

    client.reserve("a/b?c d#é", BigDecimal.ONE);
    client.settle("..", "../../admin", BigDecimal.ONE);
    client.release("acme", "id%2F");

    assertThat(server.requests()).extracting(FakeBudgetGate.Request::rawPath).containsExactly(
        "/v1/tenants/a%2Fb%3Fc%20d%23%C3%A9/llm-access",
        "/v1/tenants/%2E%2E/reservations/%2E%2E%2F%2E%2E%2Fadmin/settle",
        "/v1/tenants/acme/reservations/id%252F");
  }

  @Test
  void emptyIdsAreRefusedBeforeAnythingIsSent() {
    BudgetGateClient client = server.client();

    assertThatThrownBy(() -> client.reserve("", BigDecimal.ONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantId");
    assertThatThrownBy(() -> client.release("acme", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reservationId");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aPathPrefixOfTheBaseUriIsKept() {
    server.answerAlways(Reply.json(200, ServiceAnswers.access("acme", "1", null, "held")));
    BudgetGateClient client = BudgetGateClient.create(URI.create(server.uri() + "/budgetgate/"), FakeBudgetGate.TOKEN);

    client.reserve("acme", BigDecimal.ONE);

    assertThat(server.requests().get(0).rawPath()).isEqualTo("/budgetgate/v1/tenants/acme/llm-access");
  }

  @Test
  void anAccessAnswerWithoutAHoldIsAnUnexpectedAnswer() {
    server.answerAlways(Reply.json(200, ServiceAnswers.accessWithoutHold("acme")));

    assertThatThrownBy(() -> server.client().reserve("acme", BigDecimal.ONE))
        .isExactlyInstanceOf(BudgetGateException.class)
        .hasMessageContaining("BudgetGate answered 200 to POST /v1/tenants/acme/llm-access")
        .hasMessageContaining("without its key, budget or reservation")
        .satisfies(e -> assertThat(((BudgetGateException) e).code()).isEqualTo("unexpected_answer"));
  }

  @Test
  void aSuccessThatIsNotJsonOrOfTheWrongShapeIsAnUnexpectedAnswer() {
    server.answerAlways(new Reply(200, "<html>ok</html>", "text/html", java.util.Map.of()));
    assertThatThrownBy(() -> server.client().reserve("acme", BigDecimal.ONE))
        .isExactlyInstanceOf(BudgetGateException.class)
        .hasMessageContaining("a body that is not JSON (15 characters, text/html)");

    server.answerAlways(Reply.json(200, "{\"allowed\": true, \"budget\": {\"spend\": \"lots\"}}"));
    assertThatThrownBy(() -> server.client().reserve("acme", BigDecimal.ONE))
        .isExactlyInstanceOf(BudgetGateException.class)
        .hasMessageContaining("a body that does not fit AccessAnswer at")
        .hasMessageContaining("spend");

    server.answerAlways(Reply.json(200, ""));
    assertThatThrownBy(() -> server.client().settle("acme", "r1", BigDecimal.ONE))
        .isExactlyInstanceOf(BudgetGateException.class)
        .hasMessageContaining("BudgetGate answered 200 to POST /v1/tenants/acme/reservations/r1/settle");
  }

  private static FakeBudgetGate newServer() {
    try {
      return new FakeBudgetGate();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
