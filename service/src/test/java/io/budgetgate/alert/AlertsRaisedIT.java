package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.NotifyingApp;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts raised by reading the spend (the reconciler, a budget check) rather than by a webhook:
 * only a level above every alert of the tenant's period is raised, one read before the period
 * began raises nothing, and each raised alert that notifies wakes the outbox itself. The outbox
 * is polled at start and then hourly, so a mail that arrives at all arrived on that nudge.
 */
class AlertsRaisedIT {
  @RegisterExtension
  static final NotifyingApp APP = NotifyingApp.realTime(ConfigOverride.config("notifications.dispatchInterval", "1h"));

  static BudgetScenario given;
  static Webhooks webhooks;

  @BeforeAll
  static void connect() {
    given = APP.given();
    webhooks = new Webhooks(APP.baseUrl());
  }

  @Test
  void theReconcilerRaisesOnlyALevelAboveEveryAlertOfThePeriod() throws Exception {
    String tenant = APP.tenant("rise", "\"max_budget\": 100");
    long skipped = counter("alerts.reconciler.skipped");

    given.spend(tenant, "10");
    AdminTasks.reconcile(APP.adminPort());
    assertThat(levels(tenant)).as("ok raises nothing").isEmpty();
    assertThat(counter("alerts.reconciler.skipped")).as("and is not an error").isEqualTo(skipped);

    given.spend(tenant, "85");
    AdminTasks.reconcile(APP.adminPort());
    assertThat(levels(tenant)).isEqualTo("warning");
    assertThat(given.one("SELECT actor FROM audit_log WHERE tenant_id = '" + tenant + "' AND action = 'alert.raised'"))
        .isEqualTo("budget-reconciler");
    assertThat(NotifyingApp.subject(APP.awaitMails(tenant, 1).get(0))).as("sent on the alert's own nudge").contains("85.00% used");

    given.spend(tenant, "86");
    AdminTasks.reconcile(APP.adminPort());
    assertThat(levels(tenant)).as("the same level again: nothing new").isEqualTo("warning");

    long critical = counter("alerts.raised.critical");
    given.spend(tenant, "101");
    AdminTasks.reconcile(APP.adminPort());
    assertThat(levels(tenant)).as("a higher level").isEqualTo("warning,critical");
    assertThat(counter("alerts.raised.critical")).isEqualTo(critical + 1);
    APP.awaitMails(tenant, 2);

    given.spend(tenant, "90");
    AdminTasks.reconcile(APP.adminPort());
    assertThat(levels(tenant)).as("a lower level than the period's highest: nothing new").isEqualTo("warning,critical");
    assertThat(counter("alerts.reconciler.skipped")).isEqualTo(skipped);
  }

  @Test
  void aSpendReadBeforeThePeriodBeganRaisesNothing() throws Exception {
    String tenant = APP.tenant("stale", "\"max_budget\": 100");
    given.spend(tenant, "95");
    // what a reset committed between a check's read of LiteLLM and its alert looks like from the alert's side
    given.execute("UPDATE tenant_configs SET litellm_key_last_reset = now() + interval '1 hour' WHERE tenant_id = '" + tenant + "'");
    long stale = counter("alerts.stale_period_skipped");

    assertThat(given.statusJson(tenant).get("state").asText()).isEqualTo("warning");

    // CheckAlerts takes the status on its own threads: wait for its verdict, then look for the alert
    Eventually.await("the check's stale status skipped", Duration.ofSeconds(10),
        () -> counter("alerts.stale_period_skipped") == stale + 1);
    assertThat(levels(tenant)).isEmpty();
  }

  @Test
  void aWebhooksAlertWakesTheOutboxItself() throws Exception {
    String tenant = APP.tenant("woken", "\"max_budget\": 100");

    assertThat(webhooks.send(Webhooks.event("budget_crossed", "101", tenant)).json().get("notified").asBoolean()).isTrue();

    assertThat(NotifyingApp.subject(APP.awaitMails(tenant, 1).get(0))).contains("101.00% used");
    assertThat(APP.awaitSlack(tenant, 1)).hasSize(1);
  }

  private static String levels(String tenant) throws SQLException {
    String levels = given.one("SELECT coalesce(string_agg(level, ',' ORDER BY created_at), '') FROM budget_alert_history "
        + "WHERE tenant_id = '" + tenant + "'");
    return levels == null ? "" : levels;
  }

  private static long counter(String name) {
    return APP.metrics().counter(name).getCount();
  }
}
