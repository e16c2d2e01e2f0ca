package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.budgetgate.client.FakeBudgetGate.Reply;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each refusal the service documents (docs/api.md) arrives as its own exception with its figures. */
class RefusalTest {
  private static final String BLOCKED_MESSAGE = "tenant 'acme' is over budget: spend $110 has reached the limit of $110.00 "
      + "(110% of the $100.00 budget); the budget resets at 2026-12-01T00:00:00Z";
  private static final String HEADROOM_MESSAGE = "tenant 'acme' has $0 of headroom left (limit $110.00, spend $105, "
      + "reserved $5.00), less than the estimated cost of $1; settle or release finished calls, or ask again with a "
      + "smaller estimate";

  private FakeBudgetGate server;
  private BudgetGateClient client;

  @BeforeEach
  void start() throws IOException {
    server = new FakeBudgetGate();
    client = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBlockedTenantIsRefusedWithTheReasonTheFiguresAndRetryAfter() {
    server.answerAlways(Reply.json(402, ServiceAnswers.refusal("acme", "blocked", BLOCKED_MESSAGE))
        .withHeader("Retry-After", "86400"));

    BudgetExceededException e = refused(BudgetExceededException.class);

    assertThat(e.status()).isEqualTo(402);
    assertThat(e.code()).isEqualTo("budget_exceeded");
    assertThat(e.reason()).isEqualTo(RefusalReason.BLOCKED);
    assertThat(e.retryAfter()).contains(Duration.ofDays(1));
    assertThat(e.getMessage()).isEqualTo(BLOCKED_MESSAGE + " (HTTP 402 budget_exceeded)");
    assertThat(e.estimatedCost()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1"));
    BudgetStatus budget = e.budget().orElseThrow();
    assertThat(budget.spend()).isEqualByComparingTo("105");
    assertThat(budget.blockAt()).isEqualByComparingTo("110");
    assertThat(budget.reserved()).isEqualByComparingTo("5");
    assertThat(budget.headroom()).isEqualByComparingTo("0");
  }

  @Test
  void insufficientHeadroomIsRefusedWithoutRetryAfter() {
    server.answerAlways(Reply.json(402, ServiceAnswers.refusal("acme", "insufficient_headroom", HEADROOM_MESSAGE)));

    BudgetExceededException e = refused(BudgetExceededException.class);

    assertThat(e.reason()).isEqualTo(RefusalReason.INSUFFICIENT_HEADROOM);
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e.getMessage()).startsWith(HEADROOM_MESSAGE);
  }

  @Test
  void aRefusalWithoutDetailsOrWithANewReasonIsStillBudgetExceeded() {
    server.answerAlways(Reply.json(402, ServiceAnswers.error(402, "budget_exceeded", "over")));
    BudgetExceededException bare = refused(BudgetExceededException.class);
    assertThat(bare.reason()).isEqualTo(RefusalReason.UNKNOWN);
    assertThat(bare.budget()).isEmpty();
    assertThat(bare.estimatedCost()).isEmpty();

    server.answerAlways(Reply.json(402, ServiceAnswers.refusal("acme", "tenant_paused", "paused")));
    assertThat(refused(BudgetExceededException.class).reason()).isEqualTo(RefusalReason.UNKNOWN);

    server.answerAlways(Reply.json(402, "{\"code\": 402, \"error\": \"budget_exceeded\", \"details\": {\"spend\": \"x\"}}"));
    BudgetExceededException odd = refused(BudgetExceededException.class);
    assertThat(odd.budget()).isEmpty();
    assertThat(odd.getMessage()).startsWith("budget_exceeded");

    server.answerAlways(new Reply(402, "Payment Required", "text/plain", Map.of()));
    BudgetExceededException plain = refused(BudgetExceededException.class);
    assertThat(plain.reason()).isEqualTo(RefusalReason.UNKNOWN);
    assertThat(plain.getMessage()).contains("not a BudgetGate error (text/plain, 16 characters: \"Payment Required\")");
  }

  @Test
  void anUnknownTenantIsNotFoundWithItsCode() {
    server.answerAlways(Reply.json(404, ServiceAnswers.error(404, "unknown_tenant", "no tenant 'ghost'")));

    NotFoundException e = refused(NotFoundException.class);

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("unknown_tenant");
    assertThat(e.getMessage()).isEqualTo("no tenant 'ghost' (HTTP 404 unknown_tenant)");
  }

  @Test
  void anUnknownReservationIsNotFoundWithItsCode() {
    server.answerAlways(Reply.json(404, ServiceAnswers.error(404, "unknown_reservation",
        "tenant 'acme' has no reservation with id 'nope'")));

    NotFoundException e = catchThrowableOfType(NotFoundException.class, () -> client.settle("acme", "nope", BigDecimal.ONE));

    assertThat(e.code()).isEqualTo("unknown_reservation");
  }

  @Test
  void aReusedRequestIdIsAConflict() {
    server.answerAlways(Reply.json(409, ServiceAnswers.error(409, "request_id_reused",
        "request_id 'call-7' was used with an estimated_cost of 0.5")));

    ConflictException e = refused(ConflictException.class);

    assertThat(e.status()).isEqualTo(409);
    assertThat(e.code()).isEqualTo("request_id_reused");
  }

  @Test
  void aValidationFailureKeepsItsStatusCodeAndTheServiceSentence() {
    server.answerAlways(Reply.json(422, "{\"code\": 422, \"error\": \"validation_failed\", \"message\": \"invalid request: "
        + "estimated_cost must have at most 6 decimals\", \"details\": {\"fields\": [{\"field\": \"estimated_cost\", "
        + "\"message\": \"must have at most 6 decimals\"}]}}"));

    BudgetGateException e = refused(BudgetGateException.class);

    assertThat(e).isExactlyInstanceOf(BudgetGateException.class);
    assertThat(e.status()).isEqualTo(422);
    assertThat(e.code()).isEqualTo("validation_failed");
    assertThat(e.getMessage()).contains("estimated_cost must have at most 6 decimals");
  }

  @Test
  void aWrongTokenIsAnUnauthorizedBudgetGateException() {
    server.answerAlways(Reply.json(401, ServiceAnswers.error(401, "unauthorized", "missing or unknown bearer token")));

    BudgetGateException e = refused(BudgetGateException.class);

    assertThat(e).isExactlyInstanceOf(BudgetGateException.class);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.code()).isEqualTo("unauthorized");
  }

  @Test
  void serverFailuresAreUnavailableWithTheirCodeAndRetryAfter() {
    server.answerAlways(Reply.json(503, ServiceAnswers.error(503, "database_unavailable", "the database does not answer"))
        .withHeader("Retry-After", "5"));
    BudgetGateUnavailableException db = refused(BudgetGateUnavailableException.class);
    assertThat(db.status()).isEqualTo(503);
    assertThat(db.code()).isEqualTo("database_unavailable");
    assertThat(db.retryAfter()).contains(Duration.ofSeconds(5));

    server.answerAlways(Reply.json(500, ServiceAnswers.error(500, "stored_key_unreadable", "tenant 'acme': key does not open")));
    BudgetGateUnavailableException key = refused(BudgetGateUnavailableException.class);
    assertThat(key.status()).isEqualTo(500);
    assertThat(key.code()).isEqualTo("stored_key_unreadable");
    assertThat(key.retryAfter()).isEmpty();
  }

  @Test
  void aProxyPageInsteadOfJsonNamesTheStatusTheTypeAndAnExcerpt() {
    server.answerAlways(new Reply(502, "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>",
        "text/html", Map.of()));

    BudgetGateUnavailableException e = refused(BudgetGateUnavailableException.class);

    assertThat(e.status()).isEqualTo(502);
    assertThat(e.code()).isEqualTo("unexpected_answer");
    assertThat(e.getMessage()).contains("BudgetGate answered 502 to POST /v1/tenants/acme/llm-access with a body that is "
        + "not a BudgetGate error (text/html, 75 characters: \"<html><head><title>502 Bad Gateway</title></head> <body>");
  }

  @Test
  void aNotFoundPageThatIsNotBudgetGatesIsNoUnknownTenant() {
    server.answerAlways(new Reply(404, "x".repeat(500), null, Map.of()));

    BudgetGateException e = refused(BudgetGateException.class);

    assertThat(e).isExactlyInstanceOf(BudgetGateException.class);
    assertThat(e.code()).isEqualTo("unexpected_answer");
    assertThat(e.getMessage()).contains("(no content type, 500 characters: \"" + "x".repeat(120) + "…\")");

    server.answerAlways(new Reply(404, "", null, Map.of()));
    assertThat(refused(BudgetGateException.class).getMessage()).contains("(empty, no content type)");
  }

  @Test
  void retryAfterIsReadAsSecondsOnly() {
    assertThat(AnswerReader.retryAfter(" 120 ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(AnswerReader.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
    assertThat(AnswerReader.retryAfter("-1")).isNull();
    assertThat(AnswerReader.retryAfter(null)).isNull();
  }

  private <T extends BudgetGateException> T refused(Class<T> type) {
    T e = catchThrowableOfType(type, () -> client.reserve("acme", BigDecimal.ONE));
    assertThat(e).as("reserve refused with " + type.getSimpleName()).isNotNull();
    return e;
  }
}
