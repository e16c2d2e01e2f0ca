package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ServiceProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Reservations held by two BudgetGate processes on one PostgreSQL, one of them killed in the middle (DESIGN §11). */
class ReservationsIT {

  @Test
  void s21_fiftyHoldsOverTwoInstancesHoldExactlyTheHeadroomAndARestartKeepsThem() throws Exception {
    Timeline t = new Timeline("21. reservations: 50 holds of $1 over two instances against $5 of headroom -> exactly 5; "
        + "a killed instance loses no hold and its successor invents none");
    try (Harness harness = new Harness();
        ServiceProcess a = harness.start();
        ServiceProcess b = harness.start()) {
      harness.tenant(a.api(), "two-holds", "\"max_budget\": 100");
      harness.spendKnown(a.api(), "two-holds", "105");
      harness.spendKnown(b.api(), "two-holds", "105");

      List<ApiClient.Answer> first = holds(List.of(a.api(), b.api()), 50);
      assertThat(first.stream().filter(r -> r.status() == 200)).hasSize(5);
      assertThat(first.stream().filter(r -> r.status() == 402).map(r -> r.json().at("/details/reason").asText()))
          .hasSize(45).containsOnly("insufficient_headroom");
      assertThat(held(harness)).isEqualTo(5);
      t.step("50 concurrent holds spread over both instances: 5 held, 45 refused insufficient_headroom");

      b.kill();
      try (ServiceProcess c = harness.start()) {
        assertThat(held(harness)).as("nothing lost with the killed instance").isEqualTo(5);
        ApiClient.Answer status = c.api().get("/v1/tenants/two-holds/budget", Harness.PLATFORM);
        assertThat(status.json().get("reserved").decimalValue()).isEqualByComparingTo("5");
        assertThat(status.json().get("headroom").decimalValue()).isEqualByComparingTo("0");
        assertThat(hold(c.api()).status()).as("the new instance sees the holds").isEqualTo(402);
        t.step("instance b killed (SIGKILL), c started: the 5 holds are there, c refuses a sixth");

        List<String> ids = first.stream().filter(r -> r.status() == 200).map(r -> r.json().at("/reservation/id").asText())
            .toList();
        for (String id : ids.subList(0, 2)) {
          assertThat(a.api().send("DELETE", "/v1/tenants/two-holds/reservations/" + id, Harness.PLATFORM, null, null)
              .status()).isEqualTo(204);
        }
        List<ApiClient.Answer> second = holds(List.of(a.api(), c.api()), 10);
        assertThat(second.stream().filter(r -> r.status() == 200)).hasSize(2);
        assertThat(held(harness)).isEqualTo(5);
        t.step("2 released on a: 10 more holds over a and c take exactly 2");
      }
      t.done();
    }
  }

  private static long held(Harness harness) {
    return harness.count("SELECT count(*) FROM budget_reservations WHERE tenant_id = 'two-holds' AND status = 'held'");
  }

  private static ApiClient.Answer hold(ApiClient api) {
    return api.post("/v1/tenants/two-holds/llm-access", Harness.PLATFORM, "{\"estimated_cost\": \"1.00\"}");
  }

  /** {@code n} holds started together, alternating between the instances. */
  private static List<ApiClient.Answer> holds(List<ApiClient> instances, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ApiClient.Answer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ApiClient api = instances.get(i % instances.size());
        futures.add(pool.submit(() -> {
          go.await();
          return hold(api);
        }));
      }
      go.countDown();
      List<ApiClient.Answer> out = new ArrayList<>();
      for (Future<ApiClient.Answer> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
