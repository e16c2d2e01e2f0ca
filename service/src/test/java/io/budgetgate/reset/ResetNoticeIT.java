package io.budgetgate.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.AlertSource;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.NotifyingApp;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.ConfigOverride;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "budget reset" notice on real PostgreSQL, a real SMTP server (GreenMail) and a Slack sink:
 * once per tenant and period, on demand and from the period-reset job.
 */
class ResetNoticeIT {
  /**
   * The outbox is polled once at start and then hourly, so every notice here goes out on the
   * reset's own nudge of the dispatcher: a reset that queued a notice without nudging would leave
   * it for an hour, and the first {@code awaitMails} would fail.
   */
  @RegisterExtension
  static final NotifyingApp APP = NotifyingApp.clocked(ConfigOverride.config("notifications.dispatchInterval", "1h"));

  @Test
  void aResetSendsOneNoticeARepeatForTheSamePeriodNoneAndTheNextPeriodAnother() throws Exception {
    String tenant = tenant("periodic");
    String bystander = tenant("bystander");
    APP.given().spend(tenant, "87.456");

    reset(tenant);

    MimeMessage mail = APP.awaitMails(tenant, 1).get(0);
    assertThat(mail.getSubject()).isEqualTo("[BudgetGate] " + tenant + " (" + tenant
        + "): budget reset, new period until Tue 1 Dec 2026, 00:00 UTC");
    assertThat(Mailbox.part(mail, "text/plain")).contains("Last period's spend:  $87.46").contains("Budget:               $100.00")
        .contains("Next reset:           Tue 1 Dec 2026, 00:00 UTC").contains("An admin reset the budget on demand.");
    assertThat(Mailbox.part(mail, "text/html")).contains("<strong>$87.46</strong>");
    assertThat(APP.awaitSlack(tenant, 1).get(0)).contains(":arrows_counterclockwise:").contains("$87.46 of $100.00");
    awaitSent(tenant, 2);

    reset(tenant); // at the same clock instant: the same period start
    drain();

    assertThat(APP.mailsFor(tenant)).hasSize(1);
    assertThat(APP.slackFor(tenant)).hasSize(1);
    assertThat(APP.mailsFor(bystander)).as("nothing for a tenant that was not reset").isEmpty();
    assertThat(APP.given().count("SELECT count(*) FROM budget_reset_notices WHERE tenant_id = '" + tenant + "'")).isEqualTo(1);
    assertThat(APP.given().count("SELECT count(*) FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'budget.reset' "
        + "AND details->>'notice' = 'duplicate'")).isEqualTo(1);

    APP.clock().set(Instant.parse("2026-12-01T00:00:30Z"));
    APP.given().spend(tenant, "60");
    APP.given().spend(bystander, "3");
    assertThat(AdminTasks.resetBudgets(APP.adminPort())).isEqualTo(2);

    List<MimeMessage> mails = APP.awaitMails(tenant, 2);
    assertThat(Mailbox.part(mails.get(1), "text/plain")).contains("Last period's spend:  $60.00")
        .contains("Next reset:           Fri 1 Jan 2027, 00:00 UTC").contains("The budget period ended on schedule.");
    assertThat(APP.awaitSlack(tenant, 2)).hasSize(2);
    awaitSent(tenant, 4);
    assertThat(APP.given().count("SELECT count(*) FROM audit_log WHERE tenant_id = '" + tenant
        + "' AND action = 'notification.sent' AND details->>'notice' = 'budget_reset'")).isEqualTo(4);
    assertThat(Mailbox.part(APP.awaitMails(bystander, 1).get(0), "text/plain")).contains("Last period's spend:  $3.00");
  }

  @Test
  void aStatusReadBeforeAResetRaisesNoAlertInTheNewPeriod() throws Exception {
    String tenant = tenant("boundary");
    BudgetStanding readBefore = APP.features().budgets().statusForSpend(tenant, new BigDecimal("85"));
    assertThat(readBefore.state()).isEqualTo(BudgetState.WARNING);

    APP.clock().advance(Duration.ofMinutes(5));
    reset(tenant);
    Optional<AlertService.Raised> late = APP.features().alerts().raiseIfHigher(readBefore, AlertSource.CHECK);

    assertThat(late).as("the old period's spend, written after the reset (a slow check, a reconciler round)").isEmpty();
    assertThat(APP.given().count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isZero();
    BudgetStanding readAfter = APP.features().budgets().statusForSpend(tenant, new BigDecimal("85"));
    assertThat(APP.features().alerts().raiseIfHigher(readAfter, AlertSource.CHECK).orElseThrow().notified())
        .as("a crossing read in the new period raises and notifies").isTrue();
  }

  @Test
  void aTenantWithoutContactsIsResetWithoutNotifications() throws Exception {
    String tenant = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
    APP.given().tenant(tenant, "\"max_budget\": 100");

    reset(tenant);

    assertThat(APP.given().count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "'")).isZero();
    assertThat(APP.given().count("SELECT count(*) FROM budget_reset_notices WHERE tenant_id = '" + tenant + "'")).isEqualTo(1);
    assertThat(APP.given().one("SELECT details->>'notice' FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'budget.reset'"))
        .isEqualTo("no_recipients");
  }

  private static void reset(String tenant) {
    ApiClient.Answer answer = APP.api().post("/v1/tenants/" + tenant + "/budget/reset", TestTokens.ADMIN, "");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
  }

  private static void drain() {
    AdminTasks.drainOutbox(APP.adminPort());
  }

  private static String tenant(String prefix) {
    return APP.tenant(prefix, "\"max_budget\": 100, \"budget_duration\": \"30d\"");
  }

  private static void awaitSent(String tenant, int rows) {
    Eventually.await(rows + " outbox rows of " + tenant + " marked sent (the mail lands before the row is marked)",
        Duration.ofSeconds(15), () -> count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant
            + "' AND status = 'sent' AND reset_notice_id IS NOT NULL") == rows);
  }

  private static long count(String sql) {
    try {
      return APP.given().count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
