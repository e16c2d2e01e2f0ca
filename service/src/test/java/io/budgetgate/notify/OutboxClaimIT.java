package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboxDao#claim} on real PostgreSQL, on a database of its own with no application
 * running (no dispatcher of ours claims beside the test): only pending rows that are due, a claim
 * leases its rows until it runs out, and two instances claiming at once never get the same row.
 */
class OutboxClaimIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static Jdbi jdbi;

  @BeforeAll
  static void connect() {
    jdbi = Jdbi.create(DB.url(), DB.user(), DB.password()).installPlugin(new SqlObjectPlugin());
    NotifyWiring.registerMappers(jdbi);
  }

  @BeforeEach
  void fromEmpty() {
    TestApps.emptyTables(DB); // each test claims and counts its own rows only (and PIT runs the class again in one JVM)
  }

  @Test
  void onlyDuePendingRowsAreClaimedAndALeaseHoldsThemUntilItRunsOut() {
    String tenant = tenant("lease");
    long due = row(tenant, "pending", NOW.minusSeconds(60));
    long dueNow = row(tenant, "pending", NOW);
    row(tenant, "pending", NOW.plusSeconds(60)); // not yet due
    row(tenant, "sent", NOW.minusSeconds(3600)); // done, whatever its next_attempt_at
    row(tenant, "failed", NOW.minusSeconds(3600)); // given up
    Instant leaseUntil = NOW.plusSeconds(20);

    List<OutboxDao.Delivery> first = claim(NOW, leaseUntil, 10);

    assertThat(first).extracting(OutboxDao.Delivery::id).containsExactly(due, dueNow);
    assertThat(first).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(1));
    assertThat(first).allSatisfy(d -> assertThat(d.tenantId()).isEqualTo(tenant));
    assertThat(claim(NOW.plusSeconds(19), NOW.plusSeconds(39), 10)).as("leased: another instance skips them").isEmpty();
    List<OutboxDao.Delivery> takenOver = claim(leaseUntil.plusSeconds(1), leaseUntil.plusSeconds(21), 10);
    assertThat(takenOver).extracting(OutboxDao.Delivery::id).as("the lease ran out (its claimer died): taken over")
        .containsExactly(due, dueNow);
    assertThat(takenOver).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(2));
  }

  @Test
  void twoInstancesClaimingAtOnceNeverGetTheSameRow() throws Exception {
    String tenant = tenant("race");
    Set<Long> all = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      all.add(row(tenant, "pending", NOW.minusSeconds(i)));
    }
    CountDownLatch firstHolds = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    // the first instance claims and keeps its transaction (and row locks) open while the second claims
    CompletableFuture<List<Long>> first = CompletableFuture.supplyAsync(() -> jdbi.inTransaction(handle -> {
      List<Long> ids = handle.attach(OutboxDao.class).claim(NOW, NOW.plusSeconds(30), 40).stream().map(OutboxDao.Delivery::id)
          .toList();
      firstHolds.countDown();
      try {
        if (!secondDone.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the second claim did not finish");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return ids;
    }));
    assertThat(firstHolds.await(30, TimeUnit.SECONDS)).isTrue();
    List<Long> second;
    try {
      second = claim(NOW, NOW.plusSeconds(30), 40).stream().map(OutboxDao.Delivery::id).toList();
    } finally {
      secondDone.countDown();
    }
    List<Long> firstIds = first.get(30, TimeUnit.SECONDS);

    assertThat(firstIds).hasSize(40);
    assertThat(second).as("the rows the first holds are skipped, not waited for or doubled").hasSize(20)
        .doesNotContainAnyElementsOf(firstIds);
    Set<Long> union = new HashSet<>(firstIds);
    union.addAll(second);
    assertThat(union).isEqualTo(all);
  }

  @Test
  void theGaugesCountOnlyPendingRowsAndAgeTheOldestOfThem() {
    String tenant = tenant("gauges");
    OutboxDao dao = jdbi.onDemand(OutboxDao.class);
    assertThat(dao.pending()).isZero();
    assertThat(dao.oldestPendingSeconds(NOW)).as("nothing pending: 0, not null").isZero();
    row(tenant, "sent", NOW.minusSeconds(3600), NOW.minusSeconds(7200));
    row(tenant, "failed", NOW.minusSeconds(3600), NOW.minusSeconds(7200));
    row(tenant, "pending", NOW.plusSeconds(60), NOW.minusSeconds(90)); // pending though not yet due
    row(tenant, "pending", NOW.minusSeconds(5), NOW.minusSeconds(30));

    assertThat(dao.pending()).isEqualTo(2);
    assertThat(dao.oldestPendingSeconds(NOW)).as("the oldest pending row's age, not a sent one's").isEqualTo(90.0);
  }

  @Test
  void queueingTheSameAlertChannelAndRecipientTwiceWritesOneRow() {
    String tenant = tenant("twice");
    UUID alert = alert(tenant);
    OutboxDao dao = jdbi.onDemand(OutboxDao.class);
    String message = "{\"alert\": null, \"reset\": null}";

    assertThat(dao.insert(alert, tenant, "email", "ops@twice.test", message, NOW)).isEqualTo(1);
    assertThat(dao.insert(alert, tenant, "email", "ops@twice.test", message, NOW.plusSeconds(1))).isZero();
    assertThat(dao.insert(alert, tenant, "email", "other@twice.test", message, NOW)).isEqualTo(1);
    assertThat(dao.insert(alert, tenant, "slack", "ops@twice.test", message, NOW)).isEqualTo(1);
  }

  /** One claim in its own transaction (the two tests' rows never fall due at the same instants). */
  private static List<OutboxDao.Delivery> claim(Instant now, Instant leaseUntil, int limit) {
    return jdbi.withExtension(OutboxDao.class, dao -> dao.claim(now, leaseUntil, limit));
  }

  private static String tenant(String name) {
    String id = "claim-" + name;
    jdbi.useHandle(h -> h.execute("""
        INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key, max_budget,
                                    created_at, updated_at)
        VALUES (?, ?, ?, encode(sha256(convert_to(?, 'UTF8')), 'hex'), ?, 100, now(), now())""",
        id, id, id, "sk-" + id, "sk-" + id));
    return id;
  }

  /** An alert with one email row in this status, next attempt at {@code next}; returns the row's id. */
  private static long row(String tenant, String status, Instant next) {
    return row(tenant, status, next, NOW);
  }

  /** The same, queued at {@code created}. */
  private static long row(String tenant, String status, Instant next, Instant created) {
    UUID alert = alert(tenant);
    return jdbi.withHandle(h -> h.createQuery("""
          INSERT INTO notification_outbox (alert_id, tenant_id, channel, recipient, status, attempts, next_attempt_at, created_at)
          VALUES (:alert, :tenant, 'email', 'ops@claim.test', :status, 0, :next, :created) RETURNING id""")
        .bind("alert", alert).bind("tenant", tenant).bind("status", status).bind("next", next).bind("created", created)
        .mapTo(Long.class).one());
  }

  private static UUID alert(String tenant) {
    UUID alert = UUID.randomUUID();
    jdbi.useHandle(h -> h.createUpdate("""
          INSERT INTO budget_alert_history (id, tenant_id, level, percent_used, spend, effective_budget, source, created_at)
          VALUES (:id, :tenant, 'warning', 85, 85, 100, 'webhook', :now)""")
        .bind("id", alert).bind("tenant", tenant).bind("now", NOW).execute());
    return alert;
  }
}
