package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.SpendSource;
import io.budgetgate.rules.BudgetState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckAlertsTest {
  private final MetricRegistry metrics = new MetricRegistry();
  private final List<String> raised = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private CheckAlerts checks;

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    if (checks != null) {
      checks.stop();
    }
  }

  @Test
  void theQueueHoldsAtLeastOneTenant() throws InterruptedException {
    assertThatThrownBy(() -> new CheckAlerts(recording(), 0, new MetricRegistry()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    checks = new CheckAlerts(recording(), 1, metrics);
    release.countDown();

    checks.accept(status("t1", "critical"));
    checks.stop();

    assertThat(raised).containsExactly("t1:critical");
    assertThat(metrics.counter("alerts.check.dropped").getCount()).isZero();
    assertThat(metrics.counter("alerts.check.failed").getCount()).isZero();
  }

  @Test
  void aStatusBelowTheAlertLevelQueuesNothing() throws InterruptedException {
    checks = new CheckAlerts(recording(), 10, metrics);

    checks.accept(status("t1", "ok"));

    assertThat(checks.pending()).isZero();
    checks.stop();
    assertThat(raised).isEmpty();
  }

  @Test
  void eachTenantsAlertIsWrittenOnceTheChecksAnswered() throws InterruptedException {
    checks = new CheckAlerts(recording(), 10, metrics);
    release.countDown();

    checks.accept(status("t1", "warning"));
    checks.accept(status("t2", "blocked"));
    checks.stop();

    assertThat(raised).containsExactlyInAnyOrder("t1:warning", "t2:blocked");
    assertThat(checks.pending()).isZero();
  }

  @Test
  void aWaitingTenantKeepsOnlyItsNewestStatus() throws InterruptedException {
    checks = new CheckAlerts(blockingUntilReleased(), 100, metrics);
    occupyBothWorkers();

    checks.accept(status("t1", "warning"));
    checks.accept(status("t1", "critical"));
    checks.accept(status("t1", "blocked"));
    assertThat(checks.pending()).isEqualTo(1);

    release.countDown();
    checks.stop();
    assertThat(raised).filteredOn(r -> r.startsWith("t1:")).containsExactly("t1:blocked");
  }

  @Test
  void beyondTheLimitStatusesAreDroppedAndCounted() throws InterruptedException {
    checks = new CheckAlerts(blockingUntilReleased(), 2, metrics);
    occupyBothWorkers();

    checks.accept(status("t1", "warning"));
    checks.accept(status("t2", "warning"));
    checks.accept(status("t3", "warning"));
    checks.accept(status("t1", "critical"));

    assertThat(metrics.counter("alerts.check.dropped").getCount()).isEqualTo(1);
    assertThat(metrics.getGauges().get("alerts.check.pending").getValue()).isEqualTo(2);
    release.countDown();
    checks.stop();
    assertThat(raised).contains("t1:critical", "t2:warning").doesNotContain("t1:warning", "t3:warning");
  }

  @Test
  void aFailedAlertIsCountedAndTheNextOneStillRuns() throws InterruptedException {
    checks = new CheckAlerts(status -> {
      if (status.tenantId().equals("broken")) {
        throw new IllegalStateException("database down");
      }
      raised.add(status.tenantId() + ":" + status.state().wireName());
    }, 10, metrics);

    checks.accept(status("broken", "warning"));
    checks.accept(status("fine", "warning"));
    checks.stop();

    assertThat(metrics.counter("alerts.check.failed").getCount()).isEqualTo(1);
    assertThat(raised).containsExactly("fine:warning");
  }

  @Test
  void afterStopNothingIsQueued() throws InterruptedException {
    checks = new CheckAlerts(recording(), 10, metrics);
    checks.stop();

    checks.accept(status("late", "blocked"));

    assertThat(checks.pending()).isZero();
    assertThat(metrics.counter("alerts.check.dropped").getCount()).isEqualTo(1);
  }

  /** Both workers busy with a tenant of their own until {@link #release} opens. */
  private void occupyBothWorkers() throws InterruptedException {
    for (int i = 0; i < CheckAlerts.THREADS; i++) {
      checks.accept(status("busy-" + i, "warning"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (started.getCount() > 0 && System.nanoTime() < deadline) {
      started.await(10, TimeUnit.MILLISECONDS);
    }
    assertThat(started.getCount()).as("both workers started").isZero();
  }

  private final CountDownLatch started = new CountDownLatch(CheckAlerts.THREADS);

  private Consumer<BudgetStanding> blockingUntilReleased() {
    return status -> {
      if (status.tenantId().startsWith("busy-")) {
        started.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      raised.add(status.tenantId() + ":" + status.state().wireName());
    };
  }

  private Consumer<BudgetStanding> recording() {
    return status -> raised.add(status.tenantId() + ":" + status.state().wireName());
  }

  private static BudgetStanding status(String tenant, String state) {
    BigDecimal hundred = new BigDecimal("100.00");
    return new BudgetStanding(tenant, BudgetState.valueOf(state.toUpperCase(Locale.ROOT)), hundred, hundred,
        BigDecimal.ZERO, hundred, hundred, 80, 110, new BigDecimal("80.00"), new BigDecimal("110.00"), BigDecimal.ZERO,
        null, null, SpendSource.LIVE, Instant.parse("2026-11-29T08:00:00Z"), null, null, BudgetStanding.KeySync.SYNCED);
  }
}
