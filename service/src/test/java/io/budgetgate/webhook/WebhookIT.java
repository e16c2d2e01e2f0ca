package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every webhook intake code, over real HTTP, on real PostgreSQL. */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebhookIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM,
      ConfigOverride.config("webhook.pathToken", "test-path-token"));

  static Webhooks webhooks;
  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    String base = "http://127.0.0.1:" + APP.getLocalPort();
    webhooks = new Webhooks(base);
    given = new BudgetScenario(new ApiClient(base), LITELLM, DB);
    given.tenant("hooked", "\"max_budget\": 100, \"notification_emails\": [\"ops@hooked.test\"], "
        + "\"slack_webhook_url\": \"http://127.0.0.1:9/slack\"");
  }

  @Test
  void aSignedCrossingIsStoredWithItsOutboxRowsAndAuditAndTheReplyNamesIt() throws Exception {
    given.tenant("crossing", "\"max_budget\": 100, \"notification_emails\": [\"a@crossing.test\", \"b@crossing.test\"], "
        + "\"slack_webhook_url\": \"http://127.0.0.1:9/slack\"");

    Answer answer = webhooks.send(Webhooks.event("threshold_crossed", "85.0", "crossing"));

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
    assertThat(answer.json().get("level").asText()).isEqualTo("warning");
    assertThat(answer.json().get("notified").asBoolean()).isTrue();
    String alertId = answer.json().get("alert_id").asText();
    assertThat(given.one("SELECT level || ',' || source || ',' || litellm_event || ',' || percent_used || ',' || (raw_payload->>'event_group') "
        + "FROM budget_alert_history WHERE id = '" + alertId + "'")).isEqualTo("warning,webhook,threshold_crossed,85.00,key");
    assertThat(given.count("SELECT count(*) FROM notification_outbox WHERE alert_id = '" + alertId + "'")).isEqualTo(3);
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'crossing' AND action IN ('webhook.received', 'alert.raised')")).isEqualTo(2);
    Answer history = new ApiClient("http://127.0.0.1:" + APP.getLocalPort()).get("/v1/tenants/crossing/budget/alerts", TestTokens.VIEWER);
    assertThat(history.json().at("/alerts/0/id").asText()).isEqualTo(alertId);
    assertThat(history.json().at("/alerts/0/source").asText()).isEqualTo("webhook");

    Answer sameLevel = webhooks.send(Webhooks.event("threshold_crossed", "86.0", "crossing"));
    assertThat(sameLevel.json().get("status").asText()).as("stored").isEqualTo("accepted");
    assertThat(sameLevel.json().get("notified").asBoolean()).as("in-process dedup: no second notification").isFalse();
    assertThat(given.one("SELECT suppression_reason FROM budget_alert_history WHERE id = '" + sameLevel.json().get("alert_id").asText() + "'"))
        .isEqualTo("duplicate");
  }

  @Test
  void theLevelComesFromTheTenantsOwnBudgetNotLiteLlmsMaxBudget() {
    // LiteLLM's max_budget in the payload is 1000 (8.5 %), but the tenant's budget is 100: 85 % is a warning
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", "hooked")).json().get("level").asText()).isEqualTo("warning");
    assertThat(webhooks.send(Webhooks.event("budget_crossed", "100", "hooked")).json().get("level").asText()).isEqualTo("critical");
    assertThat(webhooks.send(Webhooks.event("budget_crossed", "110", "hooked")).json().get("level").asText()).isEqualTo("blocked");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "79.99", "hooked")).json().get("status").asText()).isEqualTo("ignored");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "budget_crossed, accepted", "soft_budget_crossed, accepted", "threshold_crossed, accepted",
      "projected_limit_exceeded, accepted", "max_budget_alert, accepted", "spend_tracked, ignored",
      "key_created, ignored", "key_rotated, ignored", "internal_user_created, ignored"})
  void everyLiteLlmEventIsAnswered(String event, String status) {
    Answer answer = webhooks.send(Webhooks.event(event, "95", "hooked"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("status").asText()).isEqualTo(status);
  }

  @Test
  void spendTrackedNeverAlertsWhateverItsSpend() throws Exception {
    long before = given.count("SELECT count(*) FROM budget_alert_history");

    Answer answer = webhooks.send(Webhooks.event("spend_tracked", "5000", "hooked"));

    assertThat(answer.json().get("status").asText()).isEqualTo("ignored");
    assertThat(answer.json().get("reason").asText()).contains("one request");
    assertThat(given.count("SELECT count(*) FROM budget_alert_history")).isEqualTo(before);
  }

  @Test
  void theTenantIsFoundByKeyHashOrTeamIdToo() throws Exception {
    String hash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = 'hooked'");

    Answer byToken = webhooks.send("{\"spend\": 90, \"event\": \"threshold_crossed\", \"token\": \"" + hash + "\"}");
    Answer byTeam = webhooks.send("{\"spend\": 90, \"event\": \"threshold_crossed\", \"team_id\": \"hooked\"}");

    assertThat(byToken.json().get("status").asText()).isEqualTo("accepted");
    assertThat(byTeam.json().get("status").asText()).isEqualTo("accepted");
  }

  @Test
  void aRepeatedWebhookIdIsADuplicateAndChangesNothing() throws Exception {
    String body = Webhooks.event("threshold_crossed", "88", "hooked");
    long now = Instant.now().getEpochSecond();
    assertThat(webhooks.send("msg_repeat_1", now, body).json().get("status").asText()).isEqualTo("accepted");
    long alerts = given.count("SELECT count(*) FROM budget_alert_history");
    long audits = given.count("SELECT count(*) FROM audit_log");

    Answer again = webhooks.send("msg_repeat_1", now, body);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
    assertThat(given.count("SELECT count(*) FROM budget_alert_history")).isEqualTo(alerts);
    assertThat(given.count("SELECT count(*) FROM audit_log")).isEqualTo(audits);
  }

  @Test
  void everyRefusalHasItsCodeInOrder() {
    String ok = Webhooks.event("threshold_crossed", "85", "hooked");
    long now = Instant.now().getEpochSecond();
    String big = "{\"spend\": 85, \"event\": \"x\", \"key_alias\": \"hooked\", \"pad\": \"" + "x".repeat(70_000) + "\"}";

    assertThat(webhooks.raw("/webhooks/litellm", "application/json", big, null, null, null).status()).as("size first").isEqualTo(413);
    assertThat(webhooks.raw("/webhooks/litellm", "text/plain", ok, null, null, null).status()).as("then type").isEqualTo(415);
    assertThat(webhooks.raw("/webhooks/litellm", null, ok, null, null, null).status()).isEqualTo(415);
    Answer unsigned = webhooks.raw("/webhooks/litellm", "application/json", ok, null, null, null);
    assertThat(unsigned.status()).as("then auth").isEqualTo(401);
    assertThat(unsigned.json().get("error").asText()).isEqualTo("invalid_signature");
    assertThat(send("{\"spend\": 85, ", now).json().get("error").asText()).isEqualTo("malformed_json");
    assertThat(send("[1, 2]", now).status()).isEqualTo(422);
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", "nobody")).json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}                      | spend",
      "{\"spend\": -1, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}        | spend",
      "{\"spend\": \"85\", \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}    | spend",
      "{\"spend\": 85, \"key_alias\": \"hooked\"}                                          | event",
      "{\"spend\": 85, \"event\": 7, \"key_alias\": \"hooked\"}                            | event",
      "{\"spend\": 85, \"event\": \"threshold_crossed\"}                                   | key_alias",
      "{\"spend\": 85, \"event\": \"threshold_crossed\", \"key_alias\": null, \"token\": null, \"team_id\": null} | key_alias"})
  void invalidFieldsAre422NamingThem(String body, String field) {
    Answer answer = send(body, Instant.now().getEpochSecond());

    assertThat(answer.status()).as(answer.body()).isEqualTo(422);
    assertThat(answer.json().get("error").asText()).isEqualTo("validation_failed");
    assertThat(answer.json().at("/details/fields").findValuesAsText("field")).contains(field);
  }

  @Test
  void badSignaturesAreRefusedAndNothingIsStored() throws Exception {
    given.tenant("untouched", "\"max_budget\": 100, \"notification_emails\": [\"x@untouched.test\"]");
    String body = Webhooks.event("budget_crossed", "150", "untouched");
    long now = Instant.now().getEpochSecond();
    String good = webhooks.signatureFor("msg_bad", now, body);

    Answer[] refused = {
        webhooks.raw("/webhooks/litellm", "application/json", body, "msg_bad", String.valueOf(now), null),
        webhooks.raw("/webhooks/litellm", "application/json", body, "msg_bad", String.valueOf(now), "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        webhooks.raw("/webhooks/litellm", "application/json", body.replace("150", "151"), "msg_bad", String.valueOf(now), good),
        webhooks.send("msg_stale", now - 301, body),
        webhooks.send("msg_future", now + 301, body),
        webhooks.raw("/webhooks/litellm/wrong-token", "application/json", body, null, null, null)};

    for (Answer answer : refused) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(401);
      assertThat(answer.json().get("error").asText()).isEqualTo("invalid_signature");
    }
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'untouched'")).isZero();
    assertThat(given.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'untouched'")).isZero();
    assertThat(given.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'untouched' AND action <> 'tenant.created'")).isZero();
    assertThat(given.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id IN ('msg_bad', 'msg_stale', 'msg_future')")).isZero();
  }

  @Test
  void litellmsNativeUnsignedAlertingWorksThroughThePathToken() {
    Answer answer = webhooks.raw("/webhooks/litellm/test-path-token", "application/json",
        Webhooks.event("budget_crossed", "101", "hooked"), null, null, null);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().get("level").asText()).isEqualTo("critical");
  }

  @Test
  void aWebhookInvalidatesTheCachedBudget() {
    given.tenant("fresh", "\"max_budget\": 100");
    given.statusJson("fresh");
    assertThat(given.statusJson("fresh").get("source").asText()).isEqualTo("cache");

    webhooks.send(Webhooks.event("threshold_crossed", "90", "fresh"));

    assertThat(given.statusJson("fresh").get("source").asText()).isEqualTo("live");
  }

  private static Answer send(String body, long now) {
    return webhooks.send("msg_" + java.util.UUID.randomUUID(), now, body);
  }
}
