package io.budgetgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When BudgetGate gives no answer, the caller learns it within its timeout, as an unavailable exception. */
class NoAnswerTest {

  @Test
  void aServerThatHoldsItsAnswerPastTheRequestTimeoutIsUnavailableWithinBoundedTime() throws Exception {
    try (FakeBudgetGate server = new FakeBudgetGate()) {
      server.hang();
      BudgetGateClient client = BudgetGateClient.builder(server.uri(), FakeBudgetGate.TOKEN)
          .requestTimeout(Duration.ofMillis(300)).build();

      long started = System.nanoTime();
      BudgetGateUnavailableException e = catchThrowableOfType(BudgetGateUnavailableException.class,
          () -> client.reserve("acme", BigDecimal.ONE));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(e.status()).isZero();
      assertThat(e.code()).isEqualTo("no_answer");
      assertThat(e.getMessage()).isEqualTo("BudgetGate at " + server.uri() + " did not answer POST "
          + "/v1/tenants/acme/llm-access within PT0.3S (no_answer)");
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void aPortNobodyListensOnIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    BudgetGateClient client = BudgetGateClient.create(URI.create("http://127.0.0.1:" + port), FakeBudgetGate.TOKEN);

    BudgetGateUnavailableException e = catchThrowableOfType(BudgetGateUnavailableException.class,
        () -> client.release("acme", "r1"));

    assertThat(e.code()).isEqualTo("no_answer");
    assertThat(e.getMessage()).startsWith("BudgetGate at http://127.0.0.1:" + port
        + " could not be reached for DELETE /v1/tenants/acme/reservations/r1: java.net.ConnectException");
    assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void anInterruptedCallIsUnavailableAndKeepsTheInterrupt() throws Exception {
    try (FakeBudgetGate server = new FakeBudgetGate()) {
      server.hang();
      BudgetGateClient client = server.client();

      Thread.currentThread().interrupt();
      BudgetGateUnavailableException e = catchThrowableOfType(BudgetGateUnavailableException.class,
          () -> client.reserve("acme", BigDecimal.ONE));

      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
      assertThat(e.getMessage()).startsWith("interrupted while waiting for BudgetGate at " + server.uri());
      assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
    }
  }
}
