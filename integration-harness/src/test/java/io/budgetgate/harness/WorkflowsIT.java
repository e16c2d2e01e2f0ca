package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Webhooks;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The story's five workflows, plus overrides and budget periods, against BudgetGate as a process. */
class WorkflowsIT extends OneInstance {

  @Test
  void s1_tenantKeySpendWebhookAlertAuditEmailAndSlack() {
    Timeline t = new Timeline("1. tenant -> key -> spend -> signed 80% webhook -> alert, audit, email, Slack");
    harness.tenant(api, "wf-one", "\"max_budget\": 100");
    t.step("tenant wf-one created");
    assertThat(harness.litellm.maxBudgetOf("wf-one")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    t.step("LiteLLM key exists with max_budget 110.00 (= block_at)");
    harness.spend("wf-one", "80");
    t.step("spend raised to 80.00 in LiteLLM");

    Answer answer = webhooks.send(Webhooks.event("threshold_crossed", "80", "wf-one"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("level").asText()).isEqualTo("warning");
    t.step("webhook answered 200: " + answer.body());
    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'wf-one' AND source = 'webhook'")).isEqualTo(1);
    assertThat(harness.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'wf-one' AND action IN ('webhook.received', 'alert.raised')")).isEqualTo(2);
    t.step("alert row and audit rows stored");
    Eventually.await("email and Slack for wf-one", Duration.ofSeconds(15),
        () -> harness.mailsFor("wf-one").size() == 1 && harness.slackFor("wf-one").size() == 1);
    assertThat(Harness.subject(harness.mailsFor("wf-one").get(0))).contains("budget warning");
    t.step("email received by GreenMail, message received by the Slack sink");
    t.done();
  }

  @Test
  void s2_atOneHundredTenPercentAccessIs402WithRetryAfter() {
    Timeline t = new Timeline("2. tenant at 110% -> llm-access 402 with body and Retry-After");
    harness.tenant(api, "wf-two", "\"max_budget\": 100, \"budget_duration\": \"30d\"");
    harness.spendKnown(api, "wf-two", "110");

    Answer refused = api.post("/v1/tenants/wf-two/llm-access", Harness.PLATFORM, "");

    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.json().get("error").asText()).isEqualTo("budget_exceeded");
    assertThat(refused.json().at("/details/state").asText()).isEqualTo("blocked");
    assertThat(refused.json().get("message").asText()).contains("wf-two").contains("$110");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
    t.step("402 " + refused.json().get("message").asText() + " Retry-After: " + refused.header("Retry-After"));
    t.done();
  }

  @Test
  void s3_inTheGraceBandAccessIsAllowedAndACriticalAlertExists() {
    Timeline t = new Timeline("3. tenant at 105% (grace) -> llm-access 200, a critical alert exists");
    harness.tenant(api, "wf-three", "\"max_budget\": 100");
    harness.spendKnown(api, "wf-three", "105");

    Answer access = api.post("/v1/tenants/wf-three/llm-access", Harness.PLATFORM, "");

    assertThat(access.status()).isEqualTo(200);
    assertThat(access.json().get("api_key").asText()).startsWith("sk-");
    assertThat(access.json().at("/budget/state").asText()).isEqualTo("critical");
    t.step("200 with the virtual key; state critical");
    Eventually.await("the critical alert the check raises beside its answer", Duration.ofSeconds(10),
        () -> harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'wf-three' AND level = 'critical'") == 1);
    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'wf-three'")).isEqualTo(1);
    t.step("the budget check raised the critical alert (written beside the answer, a moment later)");
    t.done();
  }

  @Test
  void s4_anInvalidSignatureStoresAndSendsNothing() throws Exception {
    Timeline t = new Timeline("4. invalid signature -> 401 -> no alert, no outbox row, no email");
    harness.tenant(api, "wf-four", "\"max_budget\": 100");
    long now = Instant.now().getEpochSecond();

    Answer answer = webhooks.raw("/webhooks/litellm", "application/json", Webhooks.event("budget_crossed", "200", "wf-four"),
        "msg_forged", String.valueOf(now), "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==");

    assertThat(answer.status()).isEqualTo(401);
    t.step("401 invalid_signature");
    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'wf-four'")).isZero();
    assertThat(harness.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'wf-four'")).isZero();
    assertThat(harness.mailsFor("wf-four")).isEmpty();
    t.step("no alert row, no outbox row, no email");
    t.done();
  }

  @Test
  void s5_twoEightyPercentAlertsWithinTheDedupWindowSendOneEmailThenASecond() {
    Timeline t = new Timeline("5. two 80% alerts within the dedup TTL -> one email; after the TTL -> a second");
    harness.tenant(api, "wf-five", "\"max_budget\": 100");
    webhooks.send(Webhooks.event("threshold_crossed", "81", "wf-five"));
    Answer second = webhooks.send(Webhooks.event("threshold_crossed", "82", "wf-five"));

    assertThat(second.json().get("notified").asBoolean()).isFalse();
    Eventually.await("first email", Duration.ofSeconds(15), () -> harness.mailsFor("wf-five").size() == 1);
    t.step("two webhooks, one email (second suppressed as duplicate)");
    Eventually.await("the 3 s dedup TTL (alerts.dedupTtl override) to pass", Duration.ofSeconds(15),
        () -> webhooks.send(Webhooks.event("threshold_crossed", "83", "wf-five")).json().get("notified").asBoolean());
    Eventually.await("second email", Duration.ofSeconds(15), () -> harness.mailsFor("wf-five").size() == 2);
    t.step("after the TTL the next alert sent a second email");
    t.done();
  }

  @Test
  void s6_anOverrideLiftsABlockAndItsExpiryBlocksAgain() {
    Timeline t = new Timeline("6. override lifts a blocked tenant; when it expires the tenant is blocked again");
    harness.tenant(api, "wf-six", "\"max_budget\": 100");
    harness.spendKnown(api, "wf-six", "120");
    assertThat(api.post("/v1/tenants/wf-six/llm-access", Harness.PLATFORM, "").status()).isEqualTo(402);
    t.step("blocked at 120%");
    Instant expires = Instant.now().plusSeconds(3);

    Answer granted = api.post("/v1/tenants/wf-six/budget/overrides", Harness.ADMIN,
        "{\"amount\": 50, \"reason\": \"harness\", \"expires_at\": \"" + expires + "\"}");

    assertThat(granted.status()).isEqualTo(201);
    assertThat(api.post("/v1/tenants/wf-six/llm-access", Harness.PLATFORM, "").status()).isEqualTo(200);
    t.step("override of $50 until " + expires + ": allowed");
    Eventually.await("blocked again after the override expires", Duration.ofSeconds(15),
        () -> api.post("/v1/tenants/wf-six/llm-access", Harness.PLATFORM, "").status() == 402);
    t.step("blocked again; no write, no restart");
    Eventually.await("the key's max_budget back at 110", Duration.ofSeconds(15),
        () -> harness.litellm.maxBudgetOf("wf-six").orElseThrow().compareTo(new BigDecimal("110")) == 0);
    t.step("the job moved the LiteLLM key back to max_budget 110.00");
    t.done();
  }

  @Test
  void s7_aNewBudgetPeriodReArmsAlerts() {
    Timeline t = new Timeline("7. period ends -> reset job -> new period -> alerts re-armed -> next crossing notifies");
    harness.tenant(api, "wf-seven", "\"max_budget\": 100, \"budget_duration\": \"10s\"");
    harness.spend("wf-seven", "85");
    webhooks.send(Webhooks.event("threshold_crossed", "85", "wf-seven"));
    Eventually.await("first email", Duration.ofSeconds(15), () -> alertMails("wf-seven").size() == 1);
    t.step("first crossing notified");

    Eventually.await("the reset job to start a new period", Duration.ofSeconds(20),
        () -> harness.count("SELECT count(*) FROM audit_log WHERE tenant_id = 'wf-seven' AND action = 'budget.reset'") >= 1);
    t.step("budget.reset audited; LiteLLM spend now " + harness.litellm.spendOf("wf-seven").orElseThrow());
    assertThat(harness.litellm.spendOf("wf-seven").orElseThrow()).isEqualByComparingTo("0");

    harness.spend("wf-seven", "85");
    Answer again = webhooks.send(Webhooks.event("threshold_crossed", "85", "wf-seven"));

    assertThat(again.json().get("status").asText()).isEqualTo("accepted");
    // the webhook's alert notifies, unless a reconciler round (every 1 s here) read the new spend a
    // moment earlier and notified first: either way exactly one warning of the new period notifies
    assertThat(harness.count("""
        SELECT count(*) FROM budget_alert_history a JOIN tenant_configs t USING (tenant_id)
         WHERE a.tenant_id = 'wf-seven' AND a.level = 'warning' AND NOT a.notification_suppressed
           AND a.period_start = t.litellm_key_last_reset""")).isEqualTo(1);
    Eventually.await("second email in the new period", Duration.ofSeconds(15), () -> alertMails("wf-seven").size() == 2);
    t.step("the same level notified again in the new period");
    Eventually.await("the budget reset notice", Duration.ofSeconds(15),
        () -> harness.mailsFor("wf-seven").stream().anyMatch(m -> Harness.subject(m).contains("budget reset")));
    t.step("the contacts were told the period reset");
    t.done();
  }

  @Test
  void s19_thePathTokenIsACredentialTheRequestLogNeverShows() {
    Timeline t = new Timeline("19. LiteLLM's unsigned alerting on /webhooks/litellm/{token} -> 200 -> the request log masks the token");
    harness.tenant(api, "wf-nineteen", "\"max_budget\": 100");

    Answer answer = webhooks.raw("/webhooks/litellm/" + Harness.PATH_TOKEN + "?from=litellm", "application/json",
        Webhooks.event("threshold_crossed", "85", "wf-nineteen"), null, null, null);
    Answer wrong = webhooks.raw("/webhooks/litellm/" + Harness.PATH_TOKEN + "-not", "application/json",
        Webhooks.event("threshold_crossed", "85", "wf-nineteen"), null, null, null);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(wrong.status()).isEqualTo(401);
    t.step("the right token 200 " + answer.json().get("level").asText() + ", a wrong one 401");
    // config.yml's request log (Jetty, on the console) writes each request line a moment after its answer
    Eventually.await("both request lines in the log", Duration.ofSeconds(10),
        () -> budgetgate.output().lines().filter(l -> l.contains("POST /webhooks/litellm/****")).count() >= 2);
    assertThat(budgetgate.output()).as("the token, right or wrong, appears nowhere in the process's output")
        .doesNotContain(Harness.PATH_TOKEN);
    t.step("request log: " + budgetgate.output().lines().filter(l -> l.contains("/webhooks/litellm/****")).findFirst().orElseThrow());
    t.done();
  }

  /** The tenant's alert emails, without its budget reset notices (a 10 s period resets often). */
  private static List<MimeMessage> alertMails(String tenant) {
    return harness.mailsFor(tenant).stream().filter(m -> !Harness.subject(m).contains("budget reset")).toList();
  }
}
