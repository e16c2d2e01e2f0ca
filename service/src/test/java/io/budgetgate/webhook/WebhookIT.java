package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.budgetgate.testing.Webhooks;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
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
      ConfigOverride.config("webhook.pathToken", WebhookIT.PATH_TOKEN));
  static final String PATH_TOKEN = "test-path-token-0123456789";

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
  void aRepeatedWebhookIdIsADuplicateAndChangesNothing() throws Exception {
    given.tenant("repeated", "\"max_budget\": 100, \"notification_emails\": [\"ops@repeated.test\"]");
    long now = Instant.now().getEpochSecond();
    Answer first = webhooks.send("msg_repeated", now, Webhooks.event("threshold_crossed", "88", "repeated"));
    assertThat(first.json().get("status").asText()).as(first.body()).isEqualTo("accepted");
    // only this tenant's rows, and only the kinds a webhook writes: the dispatcher's own audit rows
    // (notification.sent / failed) of this tenant are written beside the test and are not counted
    String rows = "SELECT (SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'repeated') || ','"
        + " || (SELECT count(*) FROM notification_outbox WHERE tenant_id = 'repeated') || ','"
        + " || (SELECT count(*) FROM audit_log WHERE tenant_id = 'repeated' AND action IN ('webhook.received', 'alert.raised'))"
        + " || ',' || (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'msg_repeated')";
    assertThat(given.one(rows)).isEqualTo("1,1,2,1");

    Answer same = webhooks.send("msg_repeated", now, Webhooks.event("threshold_crossed", "88", "repeated"));
    Answer otherBody = webhooks.send("msg_repeated", now, Webhooks.event("budget_crossed", "120", "repeated"));

    for (Answer again : new Answer[] {same, otherBody}) {
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
      assertThat(again.json().path("alert_id").isTextual()).as("nothing new was stored: " + again.body()).isFalse();
    }
    assertThat(given.one(rows)).as("alerts, outbox rows, audit rows, deliveries").isEqualTo("1,1,2,1");
    assertThat(given.one("SELECT max(level) FROM budget_alert_history WHERE tenant_id = 'repeated'")).isEqualTo("warning");
  }

  @Test
  void whatAWebhookWritesBesideTheAlertAndWhatADuplicateLeavesAlone() throws Exception {
    given.tenant("uncontacted", "\"max_budget\": 100");
    long now = Instant.now().getEpochSecond();
    long critical = APP.getEnvironment().metrics().counter("alerts.raised.critical").getCount();
    long below = ignoredCount("below_alert_threshold");

    Answer crossed = webhooks.send("msg_uncontacted_1", now, Webhooks.event("budget_crossed", "101", "uncontacted"));

    assertThat(crossed.json().get("notified").asBoolean()).isFalse();
    assertThat(given.one("SELECT suppression_reason FROM budget_alert_history WHERE id = '" + crossed.json().get("alert_id").asText()
        + "'")).as("nobody to tell").isEqualTo("no_recipients");
    assertThat(given.one("SELECT actor || ',' || (details->>'suppression_reason') FROM audit_log WHERE tenant_id = 'uncontacted' "
        + "AND action = 'alert.raised'")).isEqualTo("litellm-webhook,no_recipients");
    assertThat(given.one("SELECT outcome || ',' || coalesce(details->>'reason', 'null') FROM webhook_deliveries d JOIN audit_log a "
        + "ON a.details->>'webhook_id' = d.webhook_id WHERE d.webhook_id = 'msg_uncontacted_1'")).isEqualTo("accepted,null");
    assertThat(APP.getEnvironment().metrics().counter("alerts.raised.critical").getCount()).isEqualTo(critical + 1);
    assertThat(ignoredCount("below_alert_threshold")).as("an accepted event is not counted as ignored").isEqualTo(below);

    Answer low = webhooks.send("msg_uncontacted_2", now, Webhooks.event("threshold_crossed", "10", "uncontacted"));
    assertThat(low.json().get("status").asText()).isEqualTo("ignored");
    assertThat(given.one("SELECT outcome || ',' || (details->>'reason') FROM webhook_deliveries d JOIN audit_log a "
        + "ON a.details->>'webhook_id' = d.webhook_id WHERE d.webhook_id = 'msg_uncontacted_2'")).isEqualTo("ignored,below_alert_threshold");
    assertThat(ignoredCount("below_alert_threshold")).isEqualTo(below + 1);

    given.statusJson("uncontacted");
    assertThat(given.statusJson("uncontacted").get("source").asText()).isEqualTo("cache");
    Answer again = webhooks.send("msg_uncontacted_1", now, Webhooks.event("budget_crossed", "101", "uncontacted"));
    assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
    assertThat(given.statusJson("uncontacted").get("source").asText()).as("a duplicate changes nothing, the cache neither")
        .isEqualTo("cache");
  }

  @Test
  void theLevelComesFromTheTenantsOwnBudgetNotLiteLlmsMaxBudget() {
    // LiteLLM's max_budget in the payload is 1000 (8.5 %), but the tenant's budget is 100: 85 % is a warning
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", "hooked")).json().get("level").asText()).isEqualTo("warning");
    assertThat(webhooks.send(Webhooks.event("budget_crossed", "100", "hooked")).json().get("level").asText()).isEqualTo("critical");
    assertThat(webhooks.send(Webhooks.event("budget_crossed", "110", "hooked")).json().get("level").asText()).isEqualTo("blocked");
    long below = ignoredCount("below_alert_threshold");
    Answer under = webhooks.send(Webhooks.event("threshold_crossed", "79.99", "hooked"));
    assertThat(under.json().get("status").asText()).isEqualTo("ignored");
    assertThat(under.json().get("reason").asText()).isEqualTo("below_alert_threshold");
    assertThat(ignoredCount("below_alert_threshold")).as("counted once it is stored").isEqualTo(below + 1);
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
    Answer asKeyEvent = webhooks.send(Webhooks.event("spend_tracked", "5000", "hooked"));
    Answer asLiteLlmSendsIt = webhooks.send(fixture("end-user-spend-tracked.json", "hooked"));

    assertThat(asKeyEvent.json().get("status").asText()).isEqualTo("ignored");
    assertThat(asKeyEvent.json().get("reason").asText()).isEqualTo("not_a_budget_event");
    assertThat(asKeyEvent.json().get("message").asText()).isEqualTo("'spend_tracked' is not a budget event");
    assertThat(asLiteLlmSendsIt.json().get("reason").asText()).isEqualTo("not_a_key_event");
    assertThat(asLiteLlmSendsIt.json().get("message").asText()).as("the ops person reads which entity it was about")
        .isEqualTo("event_group 'end_user' is another entity's budget, not a tenant key's");
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'hooked' AND litellm_event = 'spend_tracked'"))
        .isZero();
  }

  /**
   * LiteLLM builds a team's or the proxy's budget event with the calling key's token: scored as the
   * tenant's, the proxy's 9,000 spend raised a blocked alert for a $100 tenant.
   */
  @ParameterizedTest(name = "{0} through {1}")
  @CsvSource({"team-budget-crossed.json, signed", "proxy-budget-crossed.json, signed",
      "team-budget-crossed.json, path token", "proxy-budget-crossed.json, path token"})
  void anotherEntitysBudgetEventCarryingTheTenantsTokenIsIgnored(String fixture, String intake) throws Exception {
    String tenant = "other-" + fixture.substring(0, 4) + "-" + intake.charAt(0);
    given.tenant(tenant, "\"max_budget\": 100, \"notification_emails\": [\"ops@other.test\"]");
    String body = fixture(fixture, tenant);
    long before = ignoredCount("not_a_key_event");

    Answer answer = intake.equals("signed") ? webhooks.send(body) : pathToken(body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().get("status").asText()).isEqualTo("ignored");
    assertThat(answer.json().get("reason").asText()).isEqualTo("not_a_key_event");
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isZero();
    assertThat(given.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = '" + tenant + "'")).isZero();
    assertThat(ignoredCount("not_a_key_event")).isEqualTo(before + 1);
  }

  @Test
  void theTenantsOwnKeyEventWithItsTokenIsScoredAsItsOwn() throws Exception {
    given.tenant("own-key", "\"max_budget\": 100");

    Answer answer = webhooks.send(fixture("key-threshold-crossed.json", "own-key"));

    assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
    assertThat(answer.json().get("level").asText()).isEqualTo("warning"); // 94.50 of the tenant's own 100
  }

  @Test
  void anOlderProjectionWithoutEventGroupIsAKeyEventScoredByItsSpend() throws Exception {
    given.tenant("projected", "\"max_budget\": 100");

    Answer answer = webhooks.send(fixture("key-projected-limit-exceeded-older.json", "projected"));

    assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
    assertThat(answer.json().get("level").asText()).as("104 of 100: the spend, not the projection").isEqualTo("critical");
  }

  @Test
  void theTenantIsFoundByKeyHashOrAliasButNeverByTeamId() throws Exception {
    String hash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = 'hooked'");

    Answer byToken = webhooks.send("{\"spend\": 90, \"event\": \"threshold_crossed\", \"token\": \"" + hash + "\"}");
    Answer byTeam = webhooks.send("{\"spend\": 90, \"event\": \"threshold_crossed\", \"team_id\": \"hooked\"}");
    Answer otherKeyWithTheAlias = webhooks.send("{\"spend\": 90, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\", "
        + "\"token\": \"" + "0".repeat(64) + "\"}");

    assertThat(byToken.json().get("status").asText()).isEqualTo("accepted");
    assertThat(byTeam.status()).as("team_id alone does not name a key").isEqualTo(422);
    assertThat(otherKeyWithTheAlias.status()).as("a token decides over an alias").isEqualTo(404);
    assertThat(otherKeyWithTheAlias.json().get("message").asText()).as("the hash is named, never echoed")
        .isEqualTo("no tenant has the key token=<hash>");
  }

  @Test
  void anUnknownKeyIs404WhenSignedAnd200IgnoredOnThePathTokenSoLiteLlmStopsResending() {
    long before = ignoredCount("unknown_key");

    Answer signed = webhooks.send(Webhooks.event("threshold_crossed", "85", "nobody-we-know"));
    Answer native1 = pathToken(Webhooks.event("threshold_crossed", "85", "nobody-we-know"));

    assertThat(signed.status()).isEqualTo(404);
    assertThat(signed.json().get("error").asText()).isEqualTo("unknown_tenant");
    assertThat(signed.json().get("message").asText()).isEqualTo("no tenant has the key key_alias=nobody-we-know");
    assertThat(native1.status()).as(native1.body()).isEqualTo(200);
    assertThat(native1.json().get("status").asText()).isEqualTo("ignored");
    assertThat(native1.json().get("reason").asText()).isEqualTo("unknown_key");
    assertThat(native1.json().get("message").asText()).isEqualTo("no tenant of BudgetGate's has the key key_alias=nobody-we-know");
    assertThat(ignoredCount("unknown_key")).isEqualTo(before + 1);
  }

  @ParameterizedTest(name = "spend {0}")
  @CsvSource({"1e12", "1e300", "1000000000.01", "1e400"})
  void aSpendAboveTheAmountCeilingIs422NamingSpendNot500(String spend) throws Exception {
    String tenant = "ceiling-" + Math.abs(spend.hashCode() % 1000);
    given.tenant(tenant, "\"max_budget\": 100");

    Answer signed = webhooks.send(Webhooks.event("budget_crossed", spend, tenant));
    Answer native1 = pathToken(Webhooks.event("budget_crossed", spend, tenant));

    for (Answer answer : new Answer[] {signed, native1}) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(422);
      assertThat(answer.json().at("/details/fields").findValuesAsText("field")).containsExactly("spend");
    }
    assertThat(given.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isZero();
  }

  @ParameterizedTest(name = "spend {0} of {1}")
  @CsvSource({"1000000000.00, 0.01, 1000000000.000000", "0.000000000000000000001, 0, 0.000000",
      "123.456789123456789, 100, 123.456789"})
  void aSpendWithinTheCeilingIsStoredWhateverItsSizeOrPrecision(String spend, String budget, String stored) throws Exception {
    String tenant = "precise-" + Math.abs(spend.hashCode() % 1000);
    given.tenant(tenant, "\"max_budget\": " + budget); // 10^9 of a cent: percent_used 10^13

    Answer answer = webhooks.send(Webhooks.event("budget_crossed", spend, tenant));

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(given.one("SELECT spend::text FROM budget_alert_history WHERE tenant_id = '" + tenant + "'")).isEqualTo(stored);
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
    // nothing about the body is judged before the signature: an unsigned sender learns nothing
    for (String body : new String[] {"{\"spend\": 85, ", "[1, 2]", "{\"spend\": -1, \"event\": \"x\", \"key_alias\": \"hooked\"}",
        Webhooks.event("threshold_crossed", "85", "nobody")}) {
      Answer unsignedBody = webhooks.raw("/webhooks/litellm", "application/json", body, null, null, null);
      assertThat(unsignedBody.status()).as("unsigned %s", body).isEqualTo(401);
      assertThat(unsignedBody.json().get("error").asText()).isEqualTo("invalid_signature");
      Answer forged = webhooks.raw("/webhooks/litellm", "application/json", body, "msg_forged", String.valueOf(now),
          "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
      assertThat(forged.status()).as("forged %s", body).isEqualTo(401);
      assertThat(pathTokenWrong(body).status()).as("wrong path token %s", body).isEqualTo(401);
    }
    assertThat(send("{\"spend\": 85, ", now).json().get("error").asText()).isEqualTo("malformed_json");
    assertThat(send("[1, 2]", now).status()).isEqualTo(422);
    assertThat(send("{\"spend\": 1e12, \"event\": \"budget_crossed\", \"event_group\": \"proxy\"}", now).status())
        .as("fields before the event group").isEqualTo(422);
    assertThat(send("{\"spend\": 5, \"event\": \"budget_crossed\", \"event_group\": \"proxy\"}", now).json()
        .get("status").asText()).as("then the event group, before any tenant").isEqualTo("ignored");
    assertThat(webhooks.send(Webhooks.event("threshold_crossed", "85", "nobody")).json().get("error").asText()).isEqualTo("unknown_tenant");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413AndWildcardTypesAndAnOddTimestampAreRefusedByName() throws Exception {
    String big = "{\"spend\": 85, \"event\": \"x\", \"key_alias\": \"hooked\", \"pad\": \"" + "x".repeat(70_000) + "\"}";
    // no Content-Length (a stream of unknown length goes out chunked): the limit is found by reading
    HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/webhooks/litellm"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(chunked.body()).contains("payload_too_large");

    String ok = Webhooks.event("threshold_crossed", "85", "hooked");
    for (String type : new String[] {"*/*", "application/*"}) {
      Answer wildcard = webhooks.raw("/webhooks/litellm", type, ok, null, null, null);
      assertThat(wildcard.status()).as(type).isEqualTo(415);
      assertThat(wildcard.json().get("error").asText()).isEqualTo("unsupported_media_type");
    }
    Answer oddTimestamp = webhooks.raw("/webhooks/litellm", "application/json", ok, "msg_odd_ts", "soon",
        webhooks.signatureFor("msg_odd_ts", 0, ok));
    assertThat(oddTimestamp.status()).isEqualTo(401);
    assertThat(oddTimestamp.json().get("message").asText()).isEqualTo("webhook-timestamp must be unix seconds");
    assertThat(given.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'msg_odd_ts'")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}                      | spend",
      "{\"spend\": -1, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}        | spend",
      "{\"spend\": \"85\", \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}    | spend",
      "{\"spend\": 85, \"key_alias\": \"hooked\"}                                          | event",
      "{\"spend\": 85, \"event\": 7, \"key_alias\": \"hooked\"}                            | event",
      "{\"spend\": 85, \"event\": \"threshold_crossed\"}                                   | key_alias",
      "{\"spend\": 85, \"event\": \"threshold_crossed\", \"key_alias\": null, \"token\": null, \"team_id\": null} | key_alias",
      "{\"spend\": 85, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\", \"event_group\": 7}        | event_group",
      "{\"spend\": true, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}   | spend",
      "{\"spend\": null, \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"}   | spend",
      "{\"spend\": \"NaN\", \"event\": \"threshold_crossed\", \"key_alias\": \"hooked\"} | spend"})
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

    // a minute past the 5 min tolerance each way: the service reads its clock when a request
    // arrives, maybe a second or two after `now` on a busy machine, so now + 301 can land at 300
    // (accepted) there; the exact boundary is SignatureVerifierTest's, on a fixed clock
    Answer[] refused = {
        webhooks.raw("/webhooks/litellm", "application/json", body, "msg_bad", String.valueOf(now), null),
        webhooks.raw("/webhooks/litellm", "application/json", body, "msg_bad", String.valueOf(now), "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        webhooks.raw("/webhooks/litellm", "application/json", body.replace("150", "151"), "msg_bad", String.valueOf(now), good),
        webhooks.send("msg_stale", now - 360, body),
        webhooks.send("msg_future", now + 360, body),
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
    Answer answer = webhooks.raw("/webhooks/litellm/" + PATH_TOKEN, "application/json",
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
    return webhooks.send("msg_" + UUID.randomUUID(), now, body);
  }

  private static Answer pathTokenWrong(String body) {
    return webhooks.raw("/webhooks/litellm/" + PATH_TOKEN + "x", "application/json", body, null, null, null);
  }

  private static Answer pathToken(String body) {
    return webhooks.raw("/webhooks/litellm/" + PATH_TOKEN, "application/json", body, null, null, null);
  }

  private static long ignoredCount(String reason) {
    return APP.getEnvironment().metrics().counter("webhooks.ignored." + reason).getCount();
  }

  /** A LiteLLM webhook body (test resources litellm/webhooks/, sources in SOURCES.md) for this tenant's key. */
  private static String fixture(String name, String tenant) throws Exception {
    String hash = given.one("SELECT litellm_key_hash FROM tenant_configs WHERE tenant_id = '" + tenant + "'");
    try (InputStream in = WebhookIT.class.getResourceAsStream("/litellm/webhooks/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("__TOKEN__", hash).replace("__ALIAS__", tenant);
    }
  }
}
