package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.NotifyingApp;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The alert dedup claim on real Redis with the shipped TTL (3600 s), so nothing here passes
 * because a TTL ran out: a new period re-arms an alert while the old period's claim still holds,
 * a claim made by a transaction that failed is given back, so the alert notifies when it comes
 * again, and a claim Redis lost is still a duplicate (PostgreSQL holds the window too). Mails are
 * counted exactly, after the outbox has drained.
 */
class DedupClaimsIT {
  @RegisterExtension
  static final NotifyingApp APP = NotifyingApp.realTime(
      ConfigOverride.config("redis.url", TestRedis.url()),
      ConfigOverride.config("alerts.dedupTtl", "3600s"));

  static Webhooks webhooks;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    webhooks = new Webhooks(APP.baseUrl());
    given = APP.given();
  }

  @Test
  void aNewPeriodReArmsTheAlertWhileTheOldPeriodsClaimStillHolds() {
    String tenant = APP.tenant("rearm", "\"max_budget\": 100");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", tenant)).json().get("notified").asBoolean()).isTrue();
    Answer again = webhooks.send(Webhooks.event("threshold_crossed", "86", tenant));
    assertThat(again.json().get("notified").asBoolean()).as("same level, same period: a duplicate").isFalse();

    Answer reset = APP.api().post("/v1/tenants/" + tenant + "/budget/reset", TestTokens.ADMIN, "");
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    Answer newPeriod = webhooks.send(Webhooks.event("threshold_crossed", "85", tenant));

    assertThat(newPeriod.json().get("notified").asBoolean()).as("the new period's first warning notifies").isTrue();
    allSent(tenant, 4);
    assertThat(warnings(tenant)).as("one warning mail per period, exactly").hasSize(2);
    try (Jedis redis = new Jedis(URI.create(TestRedis.url()))) {
      assertThat(redis.keys("alert:" + tenant + ":warning:*")).as("both periods' claims are held: the old one did not expire")
          .hasSize(2).allSatisfy(key -> assertThat(redis.ttl(key)).isGreaterThan(3000));
    }
  }

  @Test
  void aClaimIsGivenBackWhenTheAlertsTransactionFails() throws Exception {
    String tenant = APP.tenant("released", "\"max_budget\": 100");
    Answer failed = withAlertInsertRefused(tenant, Webhooks.event("budget_crossed", "101", tenant));
    assertThat(failed.status()).as("the transaction failed: " + failed.body()).isGreaterThanOrEqualTo(500);
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isZero();
    assertThat(given.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "'")).isZero();

    Answer retried = webhooks.send(Webhooks.event("budget_crossed", "101", tenant));

    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("notified").asBoolean()).as("the failed attempt's claim was released").isTrue();
    allSent(tenant, 2);
    assertThat(APP.mailsFor(tenant)).as("exactly one critical mail").hasSize(1);
    assertThat(NotifyingApp.subject(APP.mailsFor(tenant).get(0))).contains("101.00% used");
  }

  @Test
  void aDuplicateWhoseTransactionFailsLeavesTheHeldClaimAlone() throws Exception {
    String tenant = APP.tenant("held", "\"max_budget\": 100");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", tenant)).json().get("notified").asBoolean()).isTrue();
    Answer failed = withAlertInsertRefused(tenant, Webhooks.event("threshold_crossed", "86", tenant));
    assertThat(failed.status()).as("the transaction failed: " + failed.body()).isGreaterThanOrEqualTo(500);

    try (Jedis redis = new Jedis(URI.create(TestRedis.url()))) {
      assertThat(redis.keys("alert:" + tenant + ":warning:*")).as("the claim of the warning that notified is not given back "
          + "by a duplicate that failed").hasSize(1);
    }
    allSent(tenant, 2);
    assertThat(warnings(tenant)).hasSize(1);
  }

  @Test
  void aClaimRedisLostIsStillADuplicateBecausePostgresqlHoldsTheWindow() {
    String tenant = APP.tenant("redis-forgot", "\"max_budget\": 100");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", tenant)).json().get("notified").asBoolean()).isTrue();
    try (Jedis redis = new Jedis(URI.create(TestRedis.url()))) {
      // what a Redis restarted without persistence (or failed over to an empty replica) looks like
      assertThat(redis.del(redis.keys("alert:" + tenant + ":*").toArray(String[]::new))).isEqualTo(1);
    }

    Answer again = webhooks.send(Webhooks.event("threshold_crossed", "86", tenant));

    assertThat(again.json().get("notified").asBoolean()).as("Redis took the claim anew; PostgreSQL knew better").isFalse();
    assertThat(again.json().get("alert_id").isTextual()).isTrue();
    allSent(tenant, 2);
    assertThat(warnings(tenant)).as("one warning mail, exactly").hasSize(1);
  }

  /** Sends the webhook while PostgreSQL refuses (a trigger) every alert row of the tenant, so its transaction fails. */
  private static Answer withAlertInsertRefused(String tenant, String webhook) throws SQLException {
    String trigger = "fail_" + tenant.replace('-', '_');
    given.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "IF NEW.tenant_id = '" + tenant + "' THEN RAISE EXCEPTION 'test: alert insert refused'; END IF; RETURN NEW; END $$");
    given.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON budget_alert_history FOR EACH ROW EXECUTE FUNCTION "
        + trigger + "()");
    try {
      return webhooks.send(webhook);
    } finally {
      given.execute("DROP TRIGGER " + trigger + " ON budget_alert_history");
      given.execute("DROP FUNCTION " + trigger + "()");
    }
  }

  /**
   * Waits until the tenant has at least {@code rows} outbox rows and none is pending (a mail lands
   * before its row is marked sent), so an exact count of mails after it sees every send.
   */
  private static void allSent(String tenant, int rows) {
    Eventually.await(rows + " outbox rows of " + tenant + " sent", Duration.ofSeconds(15), () ->
        count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "'") >= rows
            && count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "' AND status <> 'sent'") == 0);
  }

  private static long count(String sql) {
    try {
      return given.count(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<MimeMessage> warnings(String tenant) {
    return APP.mailsFor(tenant).stream().filter(m -> NotifyingApp.subject(m).contains("budget warning")).toList();
  }
}
