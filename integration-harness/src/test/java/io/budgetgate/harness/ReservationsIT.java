package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.budgetgate.client.BudgetExceededException;
import io.budgetgate.client.BudgetGateClient;
import io.budgetgate.client.RefusalReason;
import io.budgetgate.client.Reservation;
import io.budgetgate.client.Settlement;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ServiceProcess;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Reservations held by two BudgetGate processes on one PostgreSQL, one of them killed in the
 * middle (DESIGN §11), made, released and settled through the agent platform's client.
 */
class ReservationsIT {
  private static final String TENANT = "two-holds";

  /** A hold's outcome: the reservation, or the 402 that refused it. */
  private record Outcome(Reservation held, BudgetExceededException refused) {}

  @Test
  void s21_fiftyHoldsOverTwoInstancesHoldExactlyTheHeadroomAndARestartKeepsThem() throws Exception {
    Timeline t = new Timeline("21. reservations: 50 holds of $1 over two instances against $5 of headroom -> exactly 5; "
        + "a killed instance loses no hold and its successor invents none");
    try (Harness harness = new Harness();
        ServiceProcess a = harness.start();
        ServiceProcess b = harness.start()) {
      harness.tenant(a.api(), TENANT, "\"max_budget\": 100");
      harness.spendKnown(a.api(), TENANT, "105");
      harness.spendKnown(b.api(), TENANT, "105");
      BudgetGateClient onA = client(a);

      List<Outcome> first = holds(List.of(onA, client(b)), 50);
      assertThat(held(first)).hasSize(5);
      assertThat(refused(first)).hasSize(45).extracting(BudgetExceededException::reason)
          .containsOnly(RefusalReason.INSUFFICIENT_HEADROOM);
      assertThat(heldRows(harness)).isEqualTo(5);
      t.step("50 concurrent holds spread over both instances: 5 held, 45 refused insufficient_headroom");

      b.kill();
      try (ServiceProcess c = harness.start()) {
        BudgetGateClient onC = client(c);
        assertThat(heldRows(harness)).as("nothing lost with the killed instance").isEqualTo(5);
        assertThat(status(c)).containsExactly(new BigDecimal("5"), new BigDecimal("0"));
        BudgetExceededException sixth = catchThrowableOfType(BudgetExceededException.class, () -> hold(onC));
        assertThat(sixth).as("the new instance sees the holds").isNotNull();
        assertThat(sixth.reason()).isEqualTo(RefusalReason.INSUFFICIENT_HEADROOM);
        t.step("instance b killed (SIGKILL), c started: the 5 holds are there, c refuses a sixth");

        for (Reservation r : held(first).subList(0, 2)) {
          onA.release(TENANT, r.id()); // by id on a: the hold may have been made on the killed b
        }
        List<Outcome> second = holds(List.of(onA, onC), 10);
        assertThat(held(second)).hasSize(2);
        assertThat(refused(second)).hasSize(8);
        assertThat(heldRows(harness)).isEqualTo(5);
        t.step("2 released on a: 10 more holds over a and c take exactly 2");

        Settlement settled = held(second).get(0).settle(new BigDecimal("0.40"));
        assertThat(settled.status()).isEqualTo("settled");
        assertThat(settled.actualCost()).isEqualByComparingTo("0.40");
        assertThat(heldRows(harness)).isEqualTo(4);
        assertThat(status(c)).containsExactly(new BigDecimal("4.4"), new BigDecimal("0.6"));
        t.step("one of them settled at $0.40 on the instance that held it: 4 held, reserved $4.40, headroom $0.60");
      }
      t.done();
    }
  }

  private static BudgetGateClient client(ServiceProcess instance) {
    return BudgetGateClient.builder(URI.create(instance.baseUrl()), Harness.PLATFORM)
        .requestTimeout(Duration.ofSeconds(30)).build();
  }

  private static long heldRows(Harness harness) {
    return harness.count("SELECT count(*) FROM budget_reservations WHERE tenant_id = 'two-holds' AND status = 'held'");
  }

  /** {@code reserved} and {@code headroom} of the tenant's status, as the instance answers them. */
  private static List<BigDecimal> status(ServiceProcess instance) {
    ApiClient.Answer status = instance.api().get("/v1/tenants/" + TENANT + "/budget", Harness.PLATFORM);
    return List.of(status.json().get("reserved").decimalValue().stripTrailingZeros(),
        status.json().get("headroom").decimalValue().stripTrailingZeros());
  }

  private static Reservation hold(BudgetGateClient client) {
    return client.reserve(TENANT, new BigDecimal("1.00"));
  }

  private static List<Reservation> held(List<Outcome> outcomes) {
    return outcomes.stream().map(Outcome::held).filter(Objects::nonNull).toList();
  }

  private static List<BudgetExceededException> refused(List<Outcome> outcomes) {
    return outcomes.stream().map(Outcome::refused).filter(Objects::nonNull).toList();
  }

  /** {@code n} holds started together, alternating between the instances; any other failure fails the scenario. */
  private static List<Outcome> holds(List<BudgetGateClient> instances, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        BudgetGateClient client = instances.get(i % instances.size());
        futures.add(pool.submit(() -> {
          go.await();
          try {
            return new Outcome(hold(client), null);
          } catch (BudgetExceededException refused) {
            return new Outcome(null, refused);
          }
        }));
      }
      go.countDown();
      List<Outcome> out = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
