package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient.Answer;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Budget checks with LiteLLM hanging or failing and every status cache expired (the test clock
 * moved past the cache TTL; the breaker itself runs on real time): each check asks
 * LiteLLM at most once, the breaker stops the asking after a few failures, checks keep answering
 * from the last known spend, and live answers come back soon after LiteLLM does. Counted in calls
 * that reached the simulator, not in milliseconds (the speed targets live in perf/).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetBreakerIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("budget.degradedTtl", "5s"),
      ConfigOverride.config("litellm.decisionTimeout", "400ms"),
      ConfigOverride.config("litellm.breaker.minimumCalls", "4"),
      ConfigOverride.config("litellm.breaker.window", "20"),
      ConfigOverride.config("litellm.breaker.openFor", "2s"),
      ConfigOverride.config("litellm.breaker.probes", "1"));

  static BudgetScenario given;
  static ApiClient admin;

  @BeforeAll
  static void connect() {
    CLOCK.set(TestClock.START);
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
    admin = new ApiClient("http://127.0.0.1:" + APP.getAdminPort());
  }

  @AfterEach
  void heal() {
    LITELLM.heal();
  }

  @Test
  void withLiteLlmHangingChecksStopAskingItAnswerStaleAndGoLiveAgainSoonAfterItReturns() {
    breaksAndRecovers("hang", f -> LITELLM.delay(Duration.ofSeconds(3), -1));
  }

  @Test
  void withLiteLlmAnswering500TheSame() {
    breaksAndRecovers("fail", f -> LITELLM.failWith(500, -1));
  }

  private void breaksAndRecovers(String name, Consumer<Void> fault) {
    List<String> tenants = List.of(name + "-a", name + "-b", name + "-c", name + "-d", name + "-e", name + "-f");
    for (String tenant : tenants) {
      given.tenant(tenant, "\"max_budget\": 100");
      given.spend(tenant, "120");
      assertThat(given.status(tenant).json().get("source").asText()).isEqualTo("live");
    }
    long opened = counter("litellm.breaker.to.open");
    int before = LITELLM.callCount("/key/info");
    fault.accept(null);
    CLOCK.advance(Duration.ofSeconds(61)); // every cached status expired: each check must read

    long started = System.nanoTime();
    Answer first = given.access(tenants.get(0));
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    int checks = 1;
    while (admin.get("/healthcheck", null).json().at("/litellm-breaker/healthy").asBoolean() && checks < 40) {
      int callsBefore = LITELLM.callCount("/key/info");
      Answer answer = given.access(tenants.get(checks % tenants.size()));
      assertThat(answer.status()).as("blocked tenants stay blocked on their last spend").isEqualTo(402);
      assertThat(LITELLM.callCount("/key/info") - callsBefore).as("at most one read per check, no retries").isLessThanOrEqualTo(1);
      checks++;
    }
    int whileOpening = LITELLM.callCount("/key/info") - before;
    long burst = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      Answer again = given.access(tenants.get(i % tenants.size()));
      assertThat(again.status()).as("blocked tenants stay blocked on their last spend").isEqualTo(402);
      assertThat(again.json().at("/details/source").asText()).isEqualTo("stale");
    }
    long burstMillis = (System.nanoTime() - burst) / 1_000_000;
    int afterBurst = LITELLM.callCount("/key/info") - before;

    assertThat(first.status()).isEqualTo(402);
    assertThat(first.json().at("/details/source").asText()).isEqualTo("stale");
    assertThat(firstMillis).as("one attempt of the decision timeout, no retries").isLessThan(2_000);
    assertThat(checks).as("the breaker opened after a few failed checks").isLessThan(40);
    assertThat(whileOpening).isLessThanOrEqualTo(checks);
    assertThat(afterBurst).as("30 more checks: the open breaker and the reused stale answers ask LiteLLM nothing")
        .isEqualTo(whileOpening);
    assertThat(burstMillis).as("30 checks without a LiteLLM wait (each would cost 400 ms)").isLessThan(6_000);
    assertThat(counter("litellm.breaker.to.open")).isEqualTo(opened + 1);

    LITELLM.heal();
    long healed = System.nanoTime();
    given.tenant(name + "-fresh", "\"max_budget\": 100");
    Eventually.await("a live answer after LiteLLM is back", Duration.ofSeconds(30), () -> {
      // the app's time moves with the polling, so a degraded answer is not reused past its 5 s
      CLOCK.advance(Duration.ofMillis(500));
      return !given.status(name + "-fresh").json().get("degraded").asBoolean();
    });
    assertThat((System.nanoTime() - healed) / 1_000_000).isLessThan(30_000);
    Eventually.await("the breaker closed", Duration.ofSeconds(10),
        () -> admin.get("/healthcheck", null).json().at("/litellm-breaker/healthy").asBoolean());
  }

  @Test
  void aBurstOfChecksOfOneTenantReusesItsDegradedAnswerInsteadOfAskingEachTime() {
    given.tenant("burst", "\"max_budget\": 100");
    given.spend("burst", "40");
    assertThat(given.status("burst").json().get("source").asText()).isEqualTo("live");
    LITELLM.failWith(503, -1);
    CLOCK.advance(Duration.ofSeconds(61));
    int before = LITELLM.callCount("/key/info");

    for (int i = 0; i < 3; i++) {
      Answer answer = given.access("burst");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().at("/budget/source").asText()).isEqualTo("stale");
      assertThat(answer.json().at("/budget/degraded").asBoolean()).isTrue();
      assertThat(answer.json().at("/budget/spend").decimalValue()).isEqualByComparingTo("40");
    }

    assertThat(LITELLM.callCount("/key/info") - before).as("asked once, then the degraded answer is reused").isEqualTo(1);
  }

  private static long counter(String name) {
    return APP.getEnvironment().metrics().counter(name).getCount();
  }
}
