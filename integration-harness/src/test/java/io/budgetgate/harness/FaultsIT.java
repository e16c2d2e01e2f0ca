package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.Webhooks;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Lost webhooks, a failing LiteLLM, a failing SMTP server, and many checks at once. */
class FaultsIT extends OneInstance {

  @Test
  void s8_withoutAnyWebhookTheReconcilerRaisesTheAlertAndTheEmailArrives() {
    Timeline t = new Timeline("8. no webhook: spend crosses 80% in LiteLLM -> reconciler -> alert -> email");
    harness.tenant(api, "flt-eight", "\"max_budget\": 100");
    harness.spend("flt-eight", "84");
    t.step("spend 84.00 set in LiteLLM; no webhook sent");

    Eventually.await("an email within a few reconcile intervals (1 s each)", Duration.ofSeconds(15),
        () -> harness.mailsFor("flt-eight").size() == 1);

    assertThat(harness.count("SELECT count(*) FROM budget_alert_history WHERE tenant_id = 'flt-eight' AND source = 'reconciler'")).isEqualTo(1);
    t.step("alert raised by the reconciler; email arrived");
    t.done();
  }

  @Test
  void s9_aFailingLiteLlmGivesStaleAndDegradedAnswersNeverA5xxAndRecovers() {
    Timeline t = new Timeline("9. LiteLLM 5xx / hanging -> stale, then degraded, never a 5xx -> recovers");
    harness.tenant(api, "flt-nine", "\"max_budget\": 100");
    harness.spendKnown(api, "flt-nine", "50");
    t.step("spend 50.00 known (read live, or from the reconciler's snapshot)");
    harness.litellm.failWith(503, -1);
    try {
      Eventually.await("a stale answer once the 1 s cache expires", Duration.ofSeconds(10),
          () -> "stale".equals(status("flt-nine").json().get("source").asText()));
      Answer access = api.post("/v1/tenants/flt-nine/llm-access", Harness.PLATFORM, "");
      assertThat(access.status()).isEqualTo(200);
      assertThat(access.json().at("/budget/degraded").asBoolean()).isTrue();
      t.step("LiteLLM answering 503: status source stale, degraded, llm-access 200");
      harness.litellm.delay(Duration.ofSeconds(3), -1);
      for (int i = 0; i < 5; i++) {
        assertThat(status("flt-nine").status()).isEqualTo(200);
      }
      t.step("LiteLLM hanging: 5 checks answered 200 within the timeout budget");
    } finally {
      harness.litellm.heal();
    }
    Eventually.await("live again", Duration.ofSeconds(10), () -> "live".equals(status("flt-nine").json().get("source").asText()));
    t.step("LiteLLM healed: live again");
    t.done();
  }

  @Test
  void s17_withLiteLlmHangingChecksStopWaitingOnItAndAreLiveAgainSoonAfterItReturns() {
    Timeline t = new Timeline("17. LiteLLM hanging, caches expired -> checks wait one timeout, then the breaker answers at once -> live again");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String tenant = "flt-sixteen-" + i;
      harness.tenant(api, tenant, "\"max_budget\": 100");
      harness.spendKnown(api, tenant, "120");
      tenants.add(tenant);
    }
    t.step("10 blocked tenants, their spend 120.00 known");
    harness.litellm.delay(Duration.ofSeconds(5), -1);
    try {
      Eventually.await("a stale answer once the 1 s cache expires", Duration.ofSeconds(10),
          () -> "stale".equals(status(tenants.get(0)).json().get("source").asText()));
      t.step("LiteLLM hanging: the first check past its cache waited one decision timeout (300 ms) and answered stale");
      int waited = 0;
      for (int i = 0; i < 20; i++) {
        long started = System.nanoTime();
        Answer access = api.post("/v1/tenants/" + tenants.get(i % tenants.size()) + "/llm-access", Harness.PLATFORM, "");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(access.status()).as("still blocked on the last known spend").isEqualTo(402);
        assertThat(millis).as("one 300 ms attempt at most, never the retries").isLessThan(1_500);
        waited += millis >= 250 ? 1 : 0;
      }
      // without the breaker every one of them waits its 300 ms; with it (window 10, 50 %) the five
      // failures that open it do, whatever healthy reads came before, and two probes a second after
      assertThat(waited).isLessThanOrEqualTo(10);
      t.step("20 more checks answered 402 (stale); " + waited + " waited on LiteLLM before the breaker opened");
    } finally {
      harness.litellm.heal();
    }
    long healed = System.nanoTime();
    Eventually.await("live again within 30 s", Duration.ofSeconds(30),
        () -> "live".equals(status(tenants.get(1)).json().get("source").asText()));
    t.step("LiteLLM back: live again after " + (System.nanoTime() - healed) / 1_000_000 + " ms");
    t.done();
  }

  @Test
  void s11_smtpDownThenBackTheEmailArrivesNothingLost() {
    Timeline t = new Timeline("11. SMTP down -> outbox retries -> SMTP back -> the email arrives");
    harness.tenant(api, "flt-eleven", "\"max_budget\": 100");
    harness.smtp.stop();
    try {
      webhooks.send(Webhooks.event("budget_crossed", "111", "flt-eleven"));
      Eventually.await("failed attempts recorded", Duration.ofSeconds(10), () -> harness.count(
          "SELECT count(*) FROM notification_outbox WHERE tenant_id = 'flt-eleven' AND channel = 'email' AND status = 'pending' "
              + "AND last_error IS NOT NULL") == 1);
      t.step("SMTP down: the delivery failed and waits in the outbox");
    } finally {
      harness.smtp.start();
    }
    Eventually.await("the email after SMTP is back", Duration.ofSeconds(15), () -> harness.mailsFor("flt-eleven").size() == 1);
    Eventually.await("both deliveries marked sent", Duration.ofSeconds(10), () ->
        harness.count("SELECT count(*) FROM notification_outbox WHERE tenant_id = 'flt-eleven' AND status = 'sent'") == 2);
    t.step("SMTP back: the email arrived; the outbox is drained");
    t.done();
  }

  @Test
  void s18_aBudgetChangeWhileLiteLlmHangsAnswersAtOnceAndTheKeyFollowsWhenLiteLlmReturns() {
    Timeline t = new Timeline("18. LiteLLM hanging -> PATCH answers at once, key pending -> LiteLLM back -> the key sync moves the key");
    harness.tenant(api, "flt-eighteen", "\"max_budget\": 100");
    assertThat(harness.litellm.maxBudgetOf("flt-eighteen")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    t.step("tenant with max_budget 100.00: its key's max_budget is 110.00");
    harness.litellm.delay(Duration.ofSeconds(30), -1);
    try {
      long started = System.nanoTime();
      Answer patched = api.send("PATCH", "/v1/tenants/flt-eighteen/budget", Harness.ADMIN, "application/json",
          "{\"max_budget\": 40}");
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(patched.status()).as(patched.body()).isEqualTo(200);
      assertThat(patched.json().get("litellm_sync").asText()).isEqualTo("pending");
      assertThat(patched.json().get("block_at").decimalValue()).isEqualByComparingTo("44");
      assertThat(tookMillis).as("one read within litellm.decisionTimeout (300 ms), never the write's retries")
          .isLessThan(2_000);
      t.step("LiteLLM hanging: PATCH answered 200 in " + tookMillis + " ms, saved, litellm_sync pending");
      assertThat(harness.litellm.maxBudgetOf("flt-eighteen")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("110"));
    } finally {
      harness.litellm.heal();
    }
    long healed = System.nanoTime();
    Eventually.await("the key sync (every 1 s here) moves the key to the new block_at", Duration.ofSeconds(30),
        () -> harness.litellm.maxBudgetOf("flt-eighteen").map(v -> v.compareTo(new BigDecimal("44")) == 0).orElse(false));
    Eventually.await("the status says synced", Duration.ofSeconds(10),
        () -> "synced".equals(status("flt-eighteen").json().get("litellm_sync").asText()));
    t.step(String.format(Locale.ROOT, "LiteLLM back: key max_budget 44.00 and litellm_sync synced %.1f s later",
        (System.nanoTime() - healed) / 1e9));
    t.done();
  }

  @Test
  void s15_oneHundredConcurrentChecksAreAllAnsweredCorrectly() throws Exception {
    Timeline t = new Timeline("15. 100 concurrent budget checks -> all answered correctly");
    String[] spends = {"10", "85", "105", "115"};
    String[] states = {"ok", "warning", "critical", "blocked"};
    for (int i = 0; i < spends.length; i++) {
      harness.tenant(api, "flt-many-" + i, "\"max_budget\": 100");
      harness.spendKnown(api, "flt-many-" + i, spends[i]);
      // read once, so each tenant has a known spend: a read that times out in the burst (one
      // 300 ms decision timeout, the breaker) then answers from it, never "unknown"
      assertThat(status("flt-many-" + i).json().get("state").asText()).isEqualTo(states[i]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(100);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int tenant = i % 4;
      answers.add(pool.submit(() -> {
        go.await();
        Answer a = status("flt-many-" + tenant);
        return tenant + ":" + a.status() + ":" + a.json().get("state").asText();
      }));
    }
    go.countDown();
    for (Future<String> answer : answers) {
      String[] parts = answer.get().split(":");
      int tenant = Integer.parseInt(parts[0]);
      assertThat(parts[1]).isEqualTo("200");
      assertThat(parts[2]).isEqualTo(states[tenant]);
    }
    pool.shutdown();
    t.step("100 answers, every state as expected");
    t.done();
  }

  private static Answer status(String tenant) {
    return api.get("/v1/tenants/" + tenant + "/budget", Harness.PLATFORM);
  }
}
