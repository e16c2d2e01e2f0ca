package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.NotifyingApp;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts reaching people: a real SMTP server (GreenMail), a local Slack sink, dedup on real Redis,
 * retries when SMTP or Slack fail, and the reconciler and budget checks as alert sources.
 */
class NotificationIT {
  @RegisterExtension
  static final NotifyingApp APP = NotifyingApp.realTime(
      ConfigOverride.config("redis.url", TestRedis.url()),
      ConfigOverride.config("alerts.dedupTtl", "2s"));

  static Webhooks webhooks;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    webhooks = new Webhooks(APP.baseUrl());
    given = APP.given();
  }

  @Test
  void aWarningWebhookSendsOneEmailAndOneSlackMessageWithTheFigures() {
    String tenant = tenant("mailed");

    webhooks.send(Webhooks.event("threshold_crossed", "85", tenant));

    MimeMessage mail = APP.awaitMails(tenant, 1).get(0);
    String text = Mailbox.part(mail, "text/plain");
    String html = Mailbox.part(mail, "text/html");
    assertThat(NotifyingApp.subject(mail)).contains(tenant).contains("budget warning").contains("85.00% used");
    assertThat(text).contains("$85.00").contains("$100.00").contains("85.00%").contains("$15.00").contains("Remaining");
    assertThat(html).contains("<strong>$85.00</strong>").contains("85.00%");
    List<String> slack = APP.awaitSlack(tenant, 1);
    assertThat(slack.get(0)).contains(":warning:").contains("$85.00").contains("85.00%").contains(tenant);
  }

  @Test
  void fiftyConcurrentIdenticalWebhooksNotifyExactlyOnce() throws Exception {
    String tenant = tenant("stampede");
    String body = Webhooks.event("budget_crossed", "100", tenant);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(pool.submit(() -> {
        go.await();
        return webhooks.send(body).status();
      }));
    }
    go.countDown();
    for (Future<Integer> answer : answers) {
      assertThat(answer.get()).isEqualTo(200);
    }
    pool.shutdown();

    APP.awaitMails(tenant, 1);
    AdminTasks.drainOutbox(APP.adminPort());
    assertThat(APP.mailsFor(tenant)).hasSize(1);
    assertThat(APP.slackFor(tenant)).hasSize(1);
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isEqualTo(50);
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant
        + "' AND suppression_reason = 'duplicate'")).isEqualTo(49);
  }

  @Test
  void afterTheDedupWindowTheSameLevelNotifiesAgain() {
    String tenant = tenant("rearmed");
    webhooks.send(Webhooks.event("threshold_crossed", "85", tenant));
    APP.awaitMails(tenant, 1);
    webhooks.send(Webhooks.event("threshold_crossed", "86", tenant));
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "87", tenant)).json().get("notified").asBoolean()).isFalse();

    Eventually.await("the 2 s dedup window (alerts.dedupTtl in this test) to pass", Duration.ofSeconds(10),
        () -> webhooks.send(Webhooks.event("threshold_crossed", "88", tenant)).json().get("notified").asBoolean());

    APP.awaitMails(tenant, 2);
  }

  @Test
  void aNewBudgetPeriodReArmsTheAlert() {
    String tenant = tenant("new-period");
    webhooks.send(Webhooks.event("threshold_crossed", "85", tenant));
    APP.awaitMails(tenant, 1);

    APP.api().post("/v1/tenants/" + tenant + "/budget/reset",
        TestTokens.ADMIN, "");

    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", tenant)).json().get("notified").asBoolean()).isTrue();
    List<MimeMessage> mails = APP.awaitMails(tenant, 3);

    assertThat(mails).extracting(NotifyingApp::subject).as("the first warning, the reset notice, the new period's warning")
        .filteredOn(subject -> subject.contains("budget warning")).hasSize(2);
    assertThat(mails).extracting(NotifyingApp::subject).filteredOn(subject -> subject.contains("budget reset, new period"))
        .hasSize(1);
  }

  @Test
  void smtpDownThenBackTheMailStillArrives() throws Exception {
    String tenant = tenant("smtp-outage");
    whileTheFirstMailFails(tenant, Webhooks.event("budget_crossed", "111", tenant), () ->
        assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'notification.failed'"))
            .isPositive());

    List<MimeMessage> mails = APP.awaitMails(tenant, 1);

    assertThat(NotifyingApp.subject(mails.get(0))).contains("blocked");
    Eventually.await("both deliveries marked sent (the mail lands before the row is marked)", Duration.ofSeconds(10),
        () -> count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND status = 'sent'") == 2);
  }

  @Test
  void aMailRetriedAfterABudgetChangeStillStatesTheFiguresOfItsAlert() throws Exception {
    String tenant = tenant("changed-meanwhile");
    whileTheFirstMailFails(tenant, Webhooks.event("threshold_crossed", "85", tenant), () ->
        assertThat(given.patch(tenant, "{\"alert_threshold\": 50, \"max_budget\": 200}").status()).isEqualTo(200));

    MimeMessage mail = APP.awaitMails(tenant, 1).get(0);

    assertThat(Mailbox.part(mail, "text/plain")).as("the alert was raised at 80 % of $100")
        .contains("Alerts start at 80% of the budget").contains("$100.00").contains("85.00%")
        .doesNotContain("Alerts start at 50%").doesNotContain("$200.00");
  }

  @Test
  void aRowQueuedBeforeMessagesWereStoredIsStillSentFromItsAlert() throws Exception {
    String tenant = tenant("queued-by-old-code");
    // as the previous version queued it (before changeset 0015), or an instance of it during a rolling upgrade
    whileTheFirstMailFails(tenant, Webhooks.event("threshold_crossed", "85", tenant),
        () -> given.execute("UPDATE notification_outbox SET message = NULL WHERE tenant_id = '" + tenant + "'"));

    MimeMessage mail = APP.awaitMails(tenant, 1).get(0);

    assertThat(NotifyingApp.subject(mail)).contains(tenant).contains("budget warning").contains("85.00% used");
    assertThat(Mailbox.part(mail, "text/plain")).contains("Alerts start at 80% of the budget").contains("$100.00");
  }

  @Test
  void slackFailingIsRetriedUntilItTakesTheMessage() {
    String tenant = tenant("slack-flaky");
    String longAnswer = "overloaded:" + "x".repeat(1_000);
    APP.slack().failNext(1, longAnswer);

    webhooks.send(Webhooks.event("threshold_crossed", "90", tenant));

    assertThat(APP.awaitSlack(tenant, 1)).hasSize(1);
    Eventually.await("the Slack row marked sent", Duration.ofSeconds(10), () -> count(
        "SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = 'slack' AND status = 'sent'") == 1);
    assertThat(count("SELECT attempts FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = 'slack'")).isEqualTo(2);
    assertThat(one("SELECT details->>'note' FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'notification.failed'"))
        .as("Slack's answer is kept, cut at 200 characters").endsWith("Slack answered 500: " + longAnswer.substring(0, 200));
  }

  @Test
  void afterMaxAttemptsADeliveryIsMarkedFailedAndAudited() {
    String tenant = tenant("slack-dead");
    APP.slack().failNext(100);
    try {
      webhooks.send(Webhooks.event("threshold_crossed", "90", tenant));

      Eventually.await("3 failed attempts (notifications.maxAttempts in test-app.yml)", Duration.ofSeconds(15), () -> count(
          "SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = 'slack' AND status = 'failed'") == 1);
    } finally {
      APP.slack().failNext(0);
    }
    assertThat(count("SELECT attempts FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = 'slack'")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'notification.failed' "
        + "AND details->>'will_retry' = 'false'")).isEqualTo(1);
    assertThat(APP.awaitMails(tenant, 1)).as("the email channel is independent").hasSize(1);
  }

  @Test
  void noWebhookAtAllTheReconcilerRaisesTheAlertAndTheMailArrives() throws Exception {
    String tenant = tenant("silent");
    given.spend(tenant, "82");

    int raised = AdminTasks.reconcile(APP.adminPort());

    assertThat(raised).isGreaterThanOrEqualTo(1);
    assertThat(NotifyingApp.subject(APP.awaitMails(tenant, 1).get(0))).contains("budget warning");
    assertThat(given.one("SELECT source FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isEqualTo("reconciler");
    assertThat(AdminTasks.reconcile(APP.adminPort())).as("no second alert for the same level").isZero();
  }

  @Test
  void aBudgetCheckThatFindsAHigherStateRaisesAnAlert() throws Exception {
    String tenant = tenant("checked");
    given.spend(tenant, "101");

    assertThat(given.statusJson(tenant).get("state").asText()).isEqualTo("critical");

    assertThat(NotifyingApp.subject(APP.awaitMails(tenant, 1).get(0))).contains("grace");
    assertThat(given.one("SELECT source || ',' || level FROM budget_alert_history WHERE tenant_id = '" + tenant + "'"))
        .isEqualTo("check,critical");
  }

  /**
   * With SMTP down: sends the webhook, waits until the tenant's mail failed its first attempt (it
   * waits in the outbox), runs {@code meanwhile}, and brings SMTP back.
   */
  private static void whileTheFirstMailFails(String tenant, String event, ThrowingRunnable meanwhile) throws Exception {
    APP.smtp().stop();
    try {
      webhooks.send(event);
      Eventually.await("a failed attempt recorded", Duration.ofSeconds(10), () -> count(
          "SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND channel = 'email' AND attempts >= 1 "
              + "AND status = 'pending' AND last_error IS NOT NULL") == 1);
      meanwhile.run();
    } finally {
      APP.smtp().start();
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static String tenant(String prefix) {
    return APP.tenant(prefix, "\"max_budget\": 100");
  }

  private static String one(String sql) {
    try {
      return given.one(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String sql) {
    try {
      return given.count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
