package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.rules.SpendSample;
import io.budgetgate.testing.AdminTasks;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Mailbox;
import io.budgetgate.testing.NotifyingApp;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestTokens;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler's spend samples on real PostgreSQL, the forecast they give the budget status
 * (also from the cache), and the forecast sentence in a warning's email and Slack message.
 */
class SpendForecastIT {
  static final Instant START = TestClock.START;
  @RegisterExtension
  static final NotifyingApp APP = NotifyingApp.clocked();

  @Test
  void eachReconcilerRoundStoresOneSamplePerTenantAndTheStatusProjectsFromThem() throws Exception {
    String tenant = tenant("paced");
    String other = tenant("idle");

    round(tenant, "20");
    round(tenant, "30");
    round(tenant, "40");
    JsonNode status = APP.given().statusJson(tenant);

    assertThat(APP.given().one("SELECT string_agg(spend::text, ',' ORDER BY sampled_at) FROM spend_samples WHERE tenant_id = '"
        + tenant + "'")).isEqualTo("20.0000,30.0000,40.0000");
    assertThat(APP.given().count("SELECT count(*) FROM spend_samples WHERE tenant_id = '" + other + "'")).isEqualTo(3);
    assertThat(APP.given().count("SELECT count(*) FROM spend_samples s JOIN tenant_configs t USING (tenant_id) WHERE s.tenant_id = '"
        + tenant + "' AND s.period_start = t.created_at")).isEqualTo(3);
    assertThat(status.get("source").asText()).as("answered from the reconciler's snapshot").isEqualTo("cache");
    assertThat(status.get("projected_block_at").asText()).as("$70 to go at $10/h").isEqualTo("2026-11-10T22:00:00Z");
    assertThat(status.get("projected_period_spend").decimalValue()).as("489 h to the reset at $10/h")
        .isEqualByComparingTo("4930.00");
    JsonNode idle = APP.given().statusJson(other);
    assertThat(idle.get("projected_block_at").isNull()).as("flat spend never blocks").isTrue();
    assertThat(idle.get("projected_period_spend").decimalValue()).isEqualByComparingTo("0.00");
  }

  @Test
  void theSpendHistoryServiceReadsTheSamplesSinceAnInstantOldestFirst() {
    String tenant = tenant("history");
    String neighbour = tenant("neighbour");
    round(tenant, "5");
    APP.given().spend(neighbour, "99");
    round(tenant, "7.5");

    SpendHistory history = APP.features().spendHistory();
    List<SpendSample> all = history.spendSamples(tenant, START);
    List<SpendSample> recent = history.spendSamples(tenant, START.plus(Duration.ofHours(1)).plusNanos(1000));

    assertThat(all).extracting(SpendSample::sampledAt).containsExactly(START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(2)));
    assertThat(all).extracting(s -> s.spend().toPlainString()).containsExactly("5.0000", "7.5000");
    assertThat(recent).extracting(s -> s.spend().toPlainString()).containsExactly("7.5000");
    assertThat(history.spendSamples(tenant, START.plus(Duration.ofHours(2)).plusNanos(1000))).isEmpty();
    assertThat(history.latestSince(tenant, START).orElseThrow().spend()).isEqualByComparingTo("7.5");
  }

  @Test
  void samplesOlderThanTheRetentionArePrunedAndYoungerOnesKept() throws Exception {
    String tenant = tenant("pruned");
    insertSample(tenant, START.minus(Duration.ofDays(36)), "1");
    insertSample(tenant, START.minus(Duration.ofDays(34)), "2");

    AdminTasks.reconcile(APP.adminPort());

    assertThat(APP.given().one("SELECT string_agg(spend::text, ',' ORDER BY sampled_at) FROM spend_samples WHERE tenant_id = '"
        + tenant + "'")).as("35 days by default").isEqualTo("2.0000,0.0000");
  }

  @Test
  void aResetStartsTheForecastAfreshAndLabelsTheNextSamplesWithTheNewPeriod() throws Exception {
    String tenant = tenant("reset");
    round(tenant, "20");
    round(tenant, "60");
    assertThat(APP.given().statusJson(tenant).get("projected_block_at").isNull()).isFalse();

    assertThat(APP.api().post("/v1/tenants/" + tenant + "/budget/reset", TestTokens.ADMIN, "").status()).isEqualTo(200);
    JsonNode afterReset = APP.given().statusJson(tenant);
    round(tenant, "1");

    assertThat(afterReset.get("spend").decimalValue()).isEqualByComparingTo("0");
    assertThat(afterReset.get("projected_block_at").isNull()).as("the old period's samples do not count").isTrue();
    assertThat(afterReset.get("projected_period_spend").isNull()).isTrue();
    assertThat(APP.given().count("SELECT count(DISTINCT period_start) FROM spend_samples WHERE tenant_id = '" + tenant + "'")).isEqualTo(2);
    assertThat(APP.given().count("SELECT count(*) FROM spend_samples s JOIN tenant_configs t USING (tenant_id) WHERE s.tenant_id = '"
        + tenant + "' AND s.period_start = t.litellm_key_last_reset")).isEqualTo(1);
  }

  @Test
  void aWarningsEmailAndSlackMessageSayWhenTheTenantIsBlockedAtTheCurrentRate() throws Exception {
    String tenant = tenant("warned");
    round(tenant, "20");
    round(tenant, "50");
    APP.clock().advance(Duration.ofHours(1));
    APP.given().spend(tenant, "85");

    JsonNode status = APP.given().statusJson(tenant); // live: $65 in 2 h -> $32.50/h; $25 to go -> 46 min 9.23 s, rounded up

    assertThat(status.get("state").asText()).isEqualTo("warning");
    assertThat(status.get("projected_block_at").asText()).isEqualTo("2026-11-10T15:46:10Z");
    String sentence = "At the current rate this tenant is blocked on Tue 10 Nov 2026, 15:46 UTC.";
    MimeMessage mail = awaitMail(tenant);
    assertThat(Mailbox.part(mail, "text/plain")).contains(sentence);
    assertThat(Mailbox.part(mail, "text/html")).contains(sentence);
    Eventually.await("the Slack message", Duration.ofSeconds(15), () -> APP.slackFor(tenant).size() == 1);
    assertThat(APP.slackFor(tenant).get(0)).contains(sentence);
    assertThat(APP.given().one("SELECT level || ' ' || projected_block_at AT TIME ZONE 'UTC' FROM budget_alert_history WHERE tenant_id = '"
        + tenant + "'")).isEqualTo("warning 2026-11-10 15:46:10");
    JsonNode history = APP.api().get("/v1/tenants/" + tenant + "/budget/alerts", TestTokens.VIEWER).json().get("alerts");
    assertThat(history.get(0).get("projected_block_at").asText()).as("the alert history says it too").isEqualTo("2026-11-10T15:46:10Z");
  }

  /** One hour later: LiteLLM reports this spend and the reconciler runs a round. */
  private static void round(String tenant, String spend) {
    APP.clock().advance(Duration.ofHours(1));
    APP.given().spend(tenant, spend);
    AdminTasks.reconcile(APP.adminPort());
  }

  private static String tenant(String prefix) {
    return APP.tenant(prefix, "\"max_budget\": 100, \"budget_duration\": \"30d\"");
  }

  private static void insertSample(String tenant, Instant at, String spend) throws Exception {
    try (Connection c = APP.database().connect();
        PreparedStatement s = c.prepareStatement("INSERT INTO spend_samples (tenant_id, sampled_at, spend) VALUES (?, ?, ?)")) {
      s.setString(1, tenant);
      s.setTimestamp(2, Timestamp.from(at));
      s.setBigDecimal(3, new BigDecimal(spend));
      s.executeUpdate();
    }
  }

  private static MimeMessage awaitMail(String tenant) {
    Eventually.await("the warning email for " + tenant, Duration.ofSeconds(15), () -> APP.mailsFor(tenant).size() == 1);
    return APP.mailsFor(tenant).get(0);
  }
}
