package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.budgetgate.client.FakeBudgetGate.Reply;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a client and a reservation request accept, checked before anything is sent. */
class BuilderTest {
  private static final URI BASE = URI.create("http://127.0.0.1:8080");

  @Test
  void defaultsAreTwoSecondsToConnectAndFiveToAnswer() {
    assertThat(BudgetGateClient.DEFAULT_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(2));
    assertThat(BudgetGateClient.DEFAULT_REQUEST_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
    assertThat(BudgetGateClient.create(BASE, "t")).hasToString("BudgetGateClient[http://127.0.0.1:8080, token=****]");
  }

  @Test
  void onlyAbsoluteHttpUrisWithoutQueryAndPrintableTokensAreAccepted() {
    assertThatThrownBy(() -> BudgetGateClient.create(URI.create("ftp://host"), "t")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(URI.create("/relative"), "t")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(URI.create("http://host/?a=b"), "t")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(URI.create("http://host/#top"), "t")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(BASE, " ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(BASE, "tok\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("tok");
    assertThatThrownBy(() -> BudgetGateClient.create(null, "t")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> BudgetGateClient.create(BASE, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void timeoutsMustBePositive() {
    BudgetGateClient.Builder builder = BudgetGateClient.builder(BASE, "t");

    assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.requestTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aClientOfYourOwnCarriesTheRequests() throws Exception {
    try (FakeBudgetGate server = new FakeBudgetGate()) {
      server.answerAlways(Reply.noContent());
      BudgetGateClient client = BudgetGateClient.builder(server.uri(), FakeBudgetGate.TOKEN)
          .httpClient(HttpClient.newHttpClient()).build();

      client.release("acme", "r1");

      assertThat(server.requests("DELETE")).hasSize(1);
    }
  }

  @Test
  void aReservationRequestNeedsAnEstimateAndAPositiveHold() {
    assertThatThrownBy(() -> ReservationRequest.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ReservationRequest.of(BigDecimal.ONE).withHoldFor(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ReservationRequest.of(BigDecimal.ONE).holdSeconds()).isNull();
    assertThat(ReservationRequest.of(BigDecimal.ONE).withHoldFor(Duration.ofSeconds(300)).holdSeconds()).isEqualTo(300);
    assertThat(ReservationRequest.of(BigDecimal.ONE).withHoldFor(Duration.ofNanos(1)).holdSeconds()).isEqualTo(1);
  }
}
