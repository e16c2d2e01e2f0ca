package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One tenant the reconciler cannot read or store must cost only that tenant its round: a spend of
 * 10^12 from LiteLLM (held at the ceiling, so blocked) and a tenant whose alert insert fails in
 * PostgreSQL (and whose spend sample cannot be stored, which fails the page's batch of samples)
 * sit before a tenant whose warning and sample must still be stored.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReconcilerIsolationIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  static BudgetScenario given;

  @BeforeAll
  static void connect() throws Exception {
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
    try (Connection c = DB.connect(); Statement s = c.createStatement()) {
      s.execute("""
          CREATE OR REPLACE FUNCTION refuse_rc_b() RETURNS trigger AS $$
          BEGIN
            IF NEW.tenant_id = 'rc-b-broken' THEN RAISE EXCEPTION 'simulated failure storing the alert of rc-b-broken'; END IF;
            RETURN NEW;
          END $$ LANGUAGE plpgsql""");
      // OR REPLACE and IF EXISTS: a mutation run starts this class again in the same JVM and database
      s.execute("DROP TRIGGER IF EXISTS refuse_rc_b ON budget_alert_history");
      s.execute("DROP TRIGGER IF EXISTS refuse_rc_b_sample ON spend_samples");
      s.execute("CREATE TRIGGER refuse_rc_b BEFORE INSERT ON budget_alert_history FOR EACH ROW EXECUTE FUNCTION refuse_rc_b()");
      // its spend sample cannot be stored either: the page's batch of samples fails as a whole
      s.execute("CREATE TRIGGER refuse_rc_b_sample BEFORE INSERT ON spend_samples FOR EACH ROW EXECUTE FUNCTION refuse_rc_b()");
    }
  }

  @Test
  void aTenantAtTenToTheTwelveAndATenantThatCannotBeStoredDoNotEndTheRound() throws Exception {
    given.tenant("rc-a-huge", "\"max_budget\": 1");
    given.tenant("rc-b-broken", "\"max_budget\": 100");
    given.tenant("rc-c-after", "\"max_budget\": 100");
    given.spend("rc-a-huge", "1000000000000");
    given.spend("rc-b-broken", "150");
    given.spend("rc-c-after", "85");
    long skipped = APP.getEnvironment().metrics().counter("alerts.reconciler.skipped").getCount();

    int raised = AdminTasks.reconcile(APP);

    assertThat(raised).isEqualTo(2);
    assertThat(given.one("SELECT level || ',' || spend || ',' || source FROM budget_alert_history WHERE tenant_id = 'rc-a-huge'"))
        .as("held at the ceiling: blocked, not an error").isEqualTo("blocked,1000000000.000000,reconciler");
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'rc-b-broken'")).isZero();
    assertThat(given.one("SELECT level FROM budget_alert_history WHERE tenant_id = 'rc-c-after'")).isEqualTo("warning");
    assertThat(APP.getEnvironment().metrics().counter("alerts.reconciler.skipped").getCount()).isEqualTo(skipped + 1);
    assertThat(given.count("SELECT count(*) FROM spend_samples WHERE tenant_id IN ('rc-a-huge', 'rc-c-after')"))
        .as("the others' samples, stored one by one once the batch failed").isEqualTo(2);
    assertThat(given.count("SELECT count(*) FROM spend_samples WHERE tenant_id = 'rc-b-broken'")).isZero();
  }
}
