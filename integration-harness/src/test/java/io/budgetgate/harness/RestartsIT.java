package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.Webhooks;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BudgetGate killed hard, and PostgreSQL going away under it. */
class RestartsIT {

  @Test
  void s12_killedWithPendingDeliveriesEveryOneIsDeliveredExactlyOnceAfterRestart() throws Exception {
    Timeline t = new Timeline("12. SIGKILL with deliveries pending -> restart -> every notification delivered exactly once");
    try (Harness harness = new Harness()) {
      List<String> tenants = List.of("kill-a", "kill-b", "kill-c");
      ServiceProcess first = harness.start();
      harness.smtp.stop();
      try {
        Webhooks webhooks = new Webhooks(first.baseUrl());
        for (String tenant : tenants) {
          harness.tenant(first.api(), tenant, "\"max_budget\": 100");
          assertThat(webhooks.send(Webhooks.event("budget_crossed", "112", tenant)).status()).isEqualTo(200);
        }
        Eventually.await("every email attempted and failed once, every Slack message sent", Duration.ofSeconds(15), () ->
            harness.count("SELECT count(*) FROM notification_outbox WHERE channel = 'email' AND status = 'pending' AND attempts >= 1") == 3
            && harness.count("SELECT count(*) FROM notification_outbox WHERE channel = 'slack' AND status = 'sent'") == 3);
        t.step("3 alerts: Slack messages sent, emails pending (SMTP down)");
        first.kill();
        t.step("BudgetGate killed with SIGKILL");
      } finally {
        first.close();
        harness.smtp.start();
      }

      try (ServiceProcess second = harness.start()) {
        t.step("BudgetGate started again; SMTP up");
        Eventually.await("every pending email", Duration.ofSeconds(30),
            () -> tenants.stream().allMatch(tenant -> harness.mailsFor(tenant).size() >= 1));
        Eventually.await("the outbox drained", Duration.ofSeconds(15),
            () -> harness.count("SELECT count(*) FROM notification_outbox WHERE status <> 'sent'") == 0);
        for (String tenant : tenants) {
          assertThat(harness.mailsFor(tenant)).as(tenant).hasSize(1);
          assertThat(harness.slackFor(tenant)).as(tenant).hasSize(1);
        }
        t.step("each of the 3 emails (and Slack messages) delivered exactly once");
      }
      t.done();
    }
  }

  /**
   * The crash that can duplicate: SMTP has taken the whole message, BudgetGate dies before it
   * hears so and marks the row sent. A relay in front of the one GreenMail (which keeps every mail
   * across both processes) swallows SMTP's replies after the end of data, so the first process
   * waits in the send when it is killed. The guarantee this pins: at least once, and a crash in
   * the middle of a send costs one extra copy of that message, never a lost one or more copies
   * (the restarted process takes the row over when the dead one's claim runs out).
   */
  @Test
  void s20_killedWhileAMailIsInFlightItIsSentAgainOnceAfterRestart() throws Exception {
    Timeline t = new Timeline("20. SIGKILL while SMTP holds a mail it accepted -> restart -> the mail once more, never lost");
    try (Harness harness = new Harness();
        TcpProxy relay = new TcpProxy("127.0.0.1", harness.smtp.port())) {
      Map<String, String> env = new LinkedHashMap<>(harness.env());
      env.put("SMTP_PORT", String.valueOf(relay.port()));
      Map<String, String> timings = new LinkedHashMap<>(Harness.shortTimings());
      // long enough for the kill to land inside the send; the claim it takes lasts 3 x 5 s + 5 s
      timings.put("notifications.sendTimeout", "5s");
      relay.holdRepliesAfter("\r\n.\r\n");
      ServiceProcess first = new ServiceProcess(env, timings).start();
      try {
        harness.tenant(first.api(), "inflight", "\"max_budget\": 100");
        assertThat(new Webhooks(first.baseUrl()).send(Webhooks.event("budget_crossed", "112", "inflight")).status()).isEqualTo(200);
        Eventually.await("GreenMail holding the whole mail", Duration.ofSeconds(10), () -> harness.mailsFor("inflight").size() == 1);
        assertThat(harness.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'inflight' AND channel = 'email' "
            + "AND status = 'pending' AND attempts = 1")).as("the send is in flight: claimed, not marked").isEqualTo(1);
        t.step("SMTP has the mail; its 250 reply is held; the row is claimed and pending");
        first.kill();
        t.step("BudgetGate killed with SIGKILL in the middle of the send");
      } finally {
        first.close();
      }

      try (ServiceProcess second = harness.start()) { // straight to GreenMail
        t.step("BudgetGate started again, SMTP answering");
        Eventually.await("the row taken over and sent once the dead claim ran out", Duration.ofSeconds(40),
            () -> harness.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'inflight' AND status <> 'sent'") == 0);
        assertThat(harness.mailsFor("inflight")).as("at least once: the one in flight, and once more after the restart")
            .hasSize(2);
        assertThat(harness.slackFor("inflight")).as("the Slack message was not in flight: sent once").hasSize(1);
        assertThat(harness.count("SELECT attempts FROM notification_outbox WHERE tenant_id = 'inflight' AND channel = 'email'"))
            .isEqualTo(2);
        t.step("2 copies of the mail in flight (one per crash mid-send), 1 Slack message, nothing lost");
      }
      t.done();
    }
  }

  @Test
  void s13_postgresGoingAwayGivesClean503sThenRecoversWithoutARestart() throws Exception {
    Timeline t = new Timeline("13. PostgreSQL cut off during traffic -> every call a clean 503 at once -> recovers "
        + "without a BudgetGate restart -> the crossing missed meanwhile is alerted once");
    try (Harness harness = new Harness()) {
      URI db = URI.create(harness.db.url().substring("jdbc:".length()));
      try (TcpProxy proxy = new TcpProxy(db.getHost(), db.getPort())) {
        Map<String, String> env = new LinkedHashMap<>(harness.env());
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + db.getRawPath()
            + (db.getRawQuery() == null ? "" : "?" + db.getRawQuery()));
        Map<String, String> timings = Harness.shortTimings();
        timings.put("alerts.dedupTtl", "3600s");
        try (ServiceProcess budgetgate = new ServiceProcess(env, timings).start()) {
          ApiClient api = budgetgate.api();
          Webhooks webhooks = new Webhooks(budgetgate.baseUrl());
          harness.tenant(api, "pg-one", "\"max_budget\": 200");
          harness.spendKnown(api, "pg-one", "20");
          assertThat(api.get("/v1/tenants/pg-one", Harness.VIEWER).status()).isEqualTo(200);
          t.step("traffic flowing through the proxy");

          proxy.cut();
          harness.spend("pg-one", "170");
          Thread.sleep(1_100); // past budget.cacheTtl, so a check cannot answer from its cached snapshot
          t.step("PostgreSQL cut off (connections reset, port refusing); pg-one now at 85 % in LiteLLM");
          long slowest = 0;
          for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            List<Answer> answers = List.of(
                api.get("/v1/tenants/pg-one", Harness.VIEWER),
                api.post("/v1/tenants", Harness.ADMIN, "{\"tenant_id\": \"pg-down-" + i + "\", \"name\": \"x\"}"),
                api.get("/v1/tenants/pg-one/budget", Harness.PLATFORM),
                api.post("/v1/tenants/pg-one/llm-access", Harness.PLATFORM, ""),
                webhooks.send(Webhooks.event("threshold_crossed", "170", "pg-one")));
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000 / answers.size());
            assertThat(answers).allSatisfy(a -> {
              assertThat(a.status()).as(a.body()).isEqualTo(503);
              assertThat(a.json().get("error").asText()).as(a.body()).isEqualTo("database_unavailable");
            });
          }
          assertThat(slowest).as("ms per call while the database is cut off").isLessThan(3_000);
          assertThat(budgetgate.admin().get("/healthcheck", null).status()).isEqualTo(500);
          t.step("reads, a create, a budget check, llm-access and a signed webhook: 503 database_unavailable, "
              + "at most " + slowest + " ms per call; health check unhealthy");

          proxy.restore();
          t.step("PostgreSQL reachable again");
          Eventually.await("reads answered again without a restart", Duration.ofSeconds(20),
              () -> api.get("/v1/tenants/pg-one", Harness.VIEWER).status() == 200);
          harness.tenant(api, "pg-two", "\"max_budget\": 100");
          assertThat(harness.count("SELECT count(*) FROM tenant_configs WHERE tenant_id LIKE 'pg-down-%'")).isZero();
          assertThat(harness.litellm.hasKey("pg-down-0")).as("the key made before the failed write was deleted").isFalse();
          assertThat(harness.count("SELECT count(*) FROM webhook_deliveries WHERE tenant_id = 'pg-one'")).isZero();
          t.step("recovered: reads and writes work; nothing half-written from the outage (no tenant, key or delivery)");

          Eventually.await("the reconciler raising the warning the refused webhooks carried", Duration.ofSeconds(20),
              () -> harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'pg-one' AND level = 'warning'") > 0);
          Eventually.await("pg-one's outbox drained", Duration.ofSeconds(20), () -> harness.count(
              "SELECT count(*) FROM notification_outbox WHERE tenant_id = 'pg-one' AND status <> 'sent'") == 0);
          assertThat(harness.mailsFor("pg-one")).hasSize(1);
          assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'pg-one'")).isEqualTo(1);
          t.step("the 85 % crossing the refused webhooks carried: one warning alert from the reconciler, exactly one email");
        }
      }
      t.done();
    }
  }
}
