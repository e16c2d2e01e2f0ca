package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.budgetgate.client.FakeBudgetGate.Reply;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** settle, release, and the try-with-resources form that releases what was neither settled nor released. */
class ReservationLifecycleTest {
  private static final String RESERVATION_PATH = "/v1/tenants/acme/reservations/" + ServiceAnswers.RESERVATION_ID;

  private FakeBudgetGate server;
  private BudgetGateClient client;
  private volatile Reply onSettle = Reply.json(200, ServiceAnswers.settled("0.38"));
  private volatile Reply onRelease = Reply.noContent();
  private volatile String holdStatus = "held";

  @BeforeEach
  void start() throws IOException {
    server = new FakeBudgetGate();
    server.answer(r -> switch (r.method()) {
      case "DELETE" -> onRelease;
      default -> r.rawPath().endsWith("/settle") ? onSettle
          : Reply.json(200, ServiceAnswers.access("acme", "1.00", "call-7", holdStatus));
    });
    client = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void settleSendsTheActualCostExactlyAndReturnsTheSettlement() throws Exception {
    Reservation r = client.reserve("acme", BigDecimal.ONE);

    Settlement s = r.settle(new BigDecimal("0.380001"));

    FakeBudgetGate.Request sent = server.requests("POST").get(1);
    assertThat(sent.rawPath()).isEqualTo(RESERVATION_PATH + "/settle");
    assertThat(sent.body()).isEqualTo("{\"actual_cost\":\"0.380001\"}");
    assertThat(sent.contentType()).isEqualTo("application/json");
    assertThat(sent.authorization()).isEqualTo("Bearer " + FakeBudgetGate.TOKEN);
    assertThat(s.id()).isEqualTo(ServiceAnswers.RESERVATION_ID);
    assertThat(s.requestId()).isEqualTo("call-7");
    assertThat(s.status()).isEqualTo("settled");
    assertThat(s.amount()).isEqualByComparingTo("1");
    assertThat(s.actualCost()).isEqualByComparingTo("0.38");
    assertThat(s.settledAt()).isEqualTo(Instant.parse("2026-11-29T12:01:00Z"));
    assertThat(s.countsUntil()).isEqualTo(Instant.parse("2026-11-29T12:03:00Z"));
    assertThat(r.status()).isEqualTo("settled");
  }

  @Test
  void settlingTwiceWithTheSameAmountSucceedsBothTimes() {
    Reservation r = client.reserve("acme", BigDecimal.ONE);

    r.settle(new BigDecimal("0.38"));
    r.settle(new BigDecimal("0.38"));

    assertThat(server.requests("POST")).extracting(FakeBudgetGate.Request::rawPath)
        .containsExactly("/v1/tenants/acme/llm-access", RESERVATION_PATH + "/settle", RESERVATION_PATH + "/settle");
  }

  @Test
  void tryWithResourcesReleasesAHoldThatWasNeitherSettledNorReleased() {
    Reservation kept;
    try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
      kept = r;
    }

    assertThat(server.requests("DELETE")).extracting(FakeBudgetGate.Request::rawPath).containsExactly(RESERVATION_PATH);
    assertThat(server.requests("DELETE").get(0).body()).isEmpty();
    assertThat(kept.status()).isEqualTo("released");
  }

  @Test
  void tryWithResourcesDoesNotReleaseASettledReservation() {
    try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
      r.settle(new BigDecimal("0.38"));
    }

    assertThat(server.requests("DELETE")).isEmpty();
  }

  @Test
  void tryWithResourcesDoesNotReleaseAgainWhatWasReleased() {
    try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
      r.release();
    }

    assertThat(server.requests("DELETE")).hasSize(1);
  }

  @Test
  void aFailedReleaseAfterAFailingBlockIsAttachedToThatFailure() {
    onRelease = Reply.json(503, ServiceAnswers.error(503, "database_unavailable", "the database does not answer"));

    assertThatThrownBy(() -> {
      try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
        throw new IllegalStateException("the model call for " + r.id() + " failed");
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageEndingWith("failed")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .isInstanceOf(BudgetGateUnavailableException.class)
            .extracting(s -> ((BudgetGateException) s).code()).isEqualTo("database_unavailable"));
  }

  @Test
  void aFailedReleaseAfterABlockThatCompletedIsThrown() {
    onRelease = Reply.json(503, ServiceAnswers.error(503, "database_unavailable", "the database does not answer"));
    Reservation[] kept = new Reservation[1];

    BudgetGateUnavailableException e = catchThrowableOfType(BudgetGateUnavailableException.class, () -> {
      try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
        kept[0] = r;
      }
    });

    assertThat(e.code()).isEqualTo("database_unavailable");
    assertThat(kept[0].status()).as("still held: a second close tries again").isEqualTo("held");
    onRelease = Reply.noContent();
    kept[0].close();
    assertThat(server.requests("DELETE")).hasSize(2);
    assertThat(kept[0].status()).isEqualTo("released");
  }

  @Test
  void closeTakesASettleMadeElsewhereAsNothingToRelease() {
    onRelease = Reply.json(409, ServiceAnswers.error(409, "reservation_settled", "reservation was settled"));
    Reservation kept;

    try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
      kept = r;
    }

    assertThat(kept.status()).isEqualTo("settled");
    assertThat(server.requests("DELETE")).hasSize(1);
  }

  @Test
  void anExplicitReleaseOfASettledReservationIsAConflict() {
    onRelease = Reply.json(409, ServiceAnswers.error(409, "reservation_settled", "reservation was settled"));
    Reservation r = client.reserve("acme", BigDecimal.ONE);

    ConflictException e = catchThrowableOfType(ConflictException.class, r::release);

    assertThat(e.code()).isEqualTo("reservation_settled");
    assertThat(r.status()).isEqualTo("settled");
  }

  @Test
  void aSettleRefusedBecauseTheHoldWasReleasedLeavesNothingForCloseToRelease() {
    onSettle = Reply.json(409, ServiceAnswers.error(409, "reservation_released", "reservation was released"));

    assertThatThrownBy(() -> {
      try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
        r.settle(BigDecimal.ONE);
      }
    }).isInstanceOf(ConflictException.class).extracting(e -> ((ConflictException) e).code())
        .isEqualTo("reservation_released");
    assertThat(server.requests("DELETE")).isEmpty();
  }

  @Test
  void aSettleWithAnotherAmountIsAConflictAndTheReservationCountsAsSettled() {
    onSettle = Reply.json(409, ServiceAnswers.error(409, "reservation_settled", "already settled with 0.38"));
    Reservation r = client.reserve("acme", BigDecimal.ONE);

    assertThatThrownBy(() -> r.settle(new BigDecimal("0.5"))).isInstanceOf(ConflictException.class);

    assertThat(r.status()).isEqualTo("settled");
    r.close();
    assertThat(server.requests("DELETE")).isEmpty();
  }

  @Test
  void aSettleThatGotNoAnswerLeavesTheHoldForCloseToRelease() {
    onSettle = Reply.json(503, ServiceAnswers.error(503, "database_unavailable", "the database does not answer"));

    assertThatThrownBy(() -> {
      try (Reservation r = client.reserve("acme", BigDecimal.ONE)) {
        r.settle(BigDecimal.ONE);
      }
    }).isInstanceOf(BudgetGateUnavailableException.class);
    assertThat(server.requests("DELETE")).hasSize(1);
  }

  @Test
  void aRepeatedRequestIdThatFindsTheCallEndedIsNotReleased() {
    for (String ended : new String[] {"settled", "recorded", "released", "expired"}) {
      holdStatus = ended;
      try (Reservation r = client.reserve("acme", ReservationRequest.of(BigDecimal.ONE).withRequestId("call-7"))) {
        assertThat(r.status()).isEqualTo(ended);
      }
    }

    assertThat(server.requests("DELETE")).isEmpty();
  }
}
