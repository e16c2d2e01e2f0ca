package io.budgetgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Prometheus scrape on the admin port, parsed as Prometheus would parse it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class PrometheusIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  @Test
  void everyMetricAndTheBusinessGaugesAreScrapeable() {
    String base = "http://127.0.0.1:" + APP.getLocalPort();
    BudgetScenario given = new BudgetScenario(new ApiClient(base), LITELLM, DB);
    given.tenant("scraped", "\"max_budget\": 100, \"notification_emails\": [\"ops@scraped.test\"]");
    given.tenant("scraped-ok", "\"max_budget\": 100");
    given.spend("scraped", "90");
    AdminTasks.reconcile(APP);
    new Webhooks(base).send(Webhooks.event("budget_crossed", "101", "scraped"));
    new Webhooks(base).send("{\"spend\": 9000, \"event\": \"budget_crossed\", \"event_group\": \"proxy\"}");
    given.statusJson("scraped-ok");

    ApiClient.Answer scrape = new ApiClient("http://127.0.0.1:" + APP.getAdminPort()).get("/metrics/prometheus", null);
    Map<String, Double> samples = parse(scrape.body());

    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.header("Content-Type")).startsWith("text/plain");
    assertThat(samples.get("budget_tenants_warning")).isEqualTo(1.0);
    assertThat(samples.get("budget_tenants_ok")).isEqualTo(1.0);
    assertThat(samples.get("alerts_raised_warning_total")).isGreaterThanOrEqualTo(1.0);
    assertThat(samples.get("alerts_raised_critical_total")).isGreaterThanOrEqualTo(1.0);
    assertThat(samples.get("litellm_calls_count")).isPositive();
    assertThat(samples).containsKeys("litellm_failures_total", "notifications_outbox_pending",
        "notifications_outbox_oldest_pending_seconds", "budget_decision_live_count", "budget_decision_blocked_total",
        "budget_decision_degraded_total", "io_dropwizard_db_ManagedPooledDataSource_database_active",
        "webhooks_ignored_unknown_key_total", "webhooks_ignored_below_alert_threshold_total", "litellm_bad_answers_total",
        "litellm_key_missing_total", "litellm_keys_missing", "litellm_breaker_short_circuited_total",
        "litellm_breaker_to_open_total", "alerts_reconciler_skipped_total", "alerts_reconciler_overran_total",
        "alerts_reconciler_litellm_reads", "alerts_reconciler_round_seconds", "litellm_sync_synced_total",
        "litellm_sync_failed_total", "litellm_sync_overtaken_total", "litellm_sync_drift_found_total",
        "alerts_reconciler_litellm_unreachable_total", "dashboard_sign_in_failed_total", "dashboard_sign_in_throttled_total");
    assertThat(samples.get("litellm_sync_pending")).as("no key behind").isEqualTo(0.0);
    assertThat(samples.get("litellm_sync_oldest_pending_seconds")).isEqualTo(0.0);
    assertThat(samples.get("webhooks_ignored_not_a_key_event_total")).as("the proxy event").isEqualTo(1.0);
    assertThat(samples.get("litellm_breaker_state")).as("closed").isEqualTo(0.0);
  }

  /** name{labels} value, one sample a line; comments skipped; every value must be a number. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      samples.put(line.substring(0, space), value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
    }
    return samples;
  }
}
