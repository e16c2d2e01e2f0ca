package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Two BudgetGate processes sharing PostgreSQL and Redis, as behind a load balancer. */
class TwoInstancesIT {

  @Test
  void s14_oneEmailForFiftyWebhooksAndJobsRunOncePerTick() throws Exception {
    Timeline t = new Timeline("14. two instances: 50 webhooks spread over both -> one email; jobs run once per tick, rounds never overlap");
    try (Harness harness = new Harness();
        ServiceProcess a = harness.start();
        ServiceProcess b = harness.start()) {
      t.step("instances on " + a.baseUrl() + " and " + b.baseUrl());
      harness.tenant(a.api(), "two-hooks", "\"max_budget\": 100");
      List<Webhooks> senders = List.of(new Webhooks(a.baseUrl()), new Webhooks(b.baseUrl()));
      String body = Webhooks.event("budget_crossed", "100", "two-hooks");
      ExecutorService pool = Executors.newFixedThreadPool(50);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Webhooks sender = senders.get(i % 2);
        answers.add(pool.submit(() -> {
          go.await();
          return sender.send(body).status();
        }));
      }
      go.countDown();
      for (Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
      pool.shutdown();
      Eventually.await("the email", Duration.ofSeconds(15), () -> harness.mailsFor("two-hooks").size() == 1);
      Eventually.await("the outbox drained by either instance", Duration.ofSeconds(15),
          () -> harness.count("SELECT count(*) FROM notification_outbox WHERE status <> 'sent'") == 0);
      assertThat(harness.mailsFor("two-hooks")).hasSize(1);
      assertThat(harness.slackFor("two-hooks")).hasSize(1);
      assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'two-hooks'")).as("every webhook stored")
          .isEqualTo(50);
      assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'two-hooks' AND NOT notification_suppressed"))
          .as("exactly one notifies").isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'two-hooks' "
          + "AND suppression_reason = 'duplicate'")).as("the other 49 lost the Redis claim to it").isEqualTo(49);
      assertThat(harness.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'two-hooks'")).as("one email and one Slack row")
          .isEqualTo(2);
      t.step("50 webhooks over 2 instances: 50 alerts stored, exactly 1 email and 1 Slack message");

      harness.tenant(b.api(), "two-periods", "\"max_budget\": 100, \"budget_duration\": \"10s\"");
      harness.tenant(b.api(), "two-silent", "\"max_budget\": 100");
      harness.spend("two-silent", "90");
      Eventually.await("two period resets", Duration.ofSeconds(30), () -> harness.count(
          "SELECT count(*) FROM audit_log WHERE tenant_id = 'two-periods' AND action = 'budget.reset'") >= 2);
      assertThat(harness.count("""
          SELECT count(*) FROM (SELECT details->>'period_ended_at' FROM audit_log
           WHERE tenant_id = 'two-periods' AND action = 'budget.reset' GROUP BY 1 HAVING count(*) > 1) twice""")).isZero();
      t.step("the reset job ran once per period across both instances");
      assertThat(harness.count(
          "SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'two-silent' AND source = 'reconciler'")).isEqualTo(1);
      Eventually.await("the reconciler's email", Duration.ofSeconds(15), () -> harness.mailsFor("two-silent").size() == 1);
      t.step("the reconciler raised the silent crossing once, one email");
      Eventually.await("rounds by both instances", Duration.ofSeconds(30),
          () -> rounds(a).size() >= 2 && rounds(b).size() >= 2 || rounds(a).size() + rounds(b).size() >= 12);
      List<Instant[]> ofA = rounds(a);
      List<Instant[]> ofB = rounds(b);
      for (Instant[] x : ofA) {
        for (Instant[] y : ofB) {
          assertThat(x[1].isBefore(y[0]) || y[1].isBefore(x[0]))
              .as("round %s to %s on one instance overlaps %s to %s on the other", x[0], x[1], y[0], y[1]).isTrue();
        }
      }
      t.step(ofA.size() + " + " + ofB.size() + " reconciler rounds, never two at once (the lease)");
      t.done();
    }
  }

  private static final Pattern ROUND = Pattern.compile("reconciler round (\\S+) to (\\S+):");

  /** The reconciler rounds an instance logged: when each started and ended. */
  private static List<Instant[]> rounds(ServiceProcess instance) {
    List<Instant[]> rounds = new ArrayList<>();
    Matcher m = ROUND.matcher(instance.output());
    while (m.find()) {
      rounds.add(new Instant[] {Instant.parse(m.group(1)), Instant.parse(m.group(2))});
    }
    return rounds;
  }
}
