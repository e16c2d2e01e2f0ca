package io.budgetgate.litellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LiteLLM client over real HTTP against the simulator, including its failure modes. */
class LiteLlmClientTest {
  static final LiteLlmSimulator SIMULATOR = TestApps.simulator();

  private final LiteLlmClient client = client(SIMULATOR.baseUrl(), 3);

  @AfterEach
  void heal() {
    SIMULATOR.heal();
  }

  @AfterAll
  static void stop() {
    SIMULATOR.stop();
  }

  @Test
  void generateInfoUpdateAndDeleteAKey() {
    GeneratedKey key = client.generateKey(new KeyGenerateRequest("client-a", new BigDecimal("110.00"), "30d", Map.of("tenant_id", "client-a")));

    assertThat(key.key().reveal()).startsWith("sk-");
    assertThat(key.tokenHash()).hasSize(64);
    assertThat(key.keyAlias()).isEqualTo("client-a");

    SIMULATOR.setSpend("client-a", new BigDecimal("85.5"));
    KeyInfo info = client.keyInfo(key.key());
    assertThat(info.spend()).isEqualByComparingTo("85.5");
    assertThat(info.maxBudget()).isEqualByComparingTo("110");
    assertThat(info.budgetDuration()).isEqualTo("30d");
    assertThat(info.keyAlias()).isEqualTo("client-a");

    client.updateKey(new KeyUpdate(key.key(), new BigDecimal("220"), "1mo", BigDecimal.ZERO));
    KeyInfo updated = client.keyInfo(key.key());
    assertThat(updated.maxBudget()).isEqualByComparingTo("220");
    assertThat(updated.budgetDuration()).isEqualTo("1mo");
    assertThat(updated.spend()).isEqualByComparingTo("0");

    client.deleteKey(key.key());
    Throwable gone = catchThrowable(() -> client.keyInfo(key.key()));
    assertThat(gone).isInstanceOf(LiteLlmRejectedException.class);
    assertThat(gone).isInstanceOf(io.budgetgate.litellm.LiteLlmKeyMissingException.class);
  }

  @Test
  void fiveHundredsAreRetriedUntilTheyStop() {
    SIMULATOR.failWith(502, 2);
    int before = SIMULATOR.callCount("/key/generate");

    GeneratedKey key = client.generateKey(request("retry-ok"));

    assertThat(key.keyAlias()).isEqualTo("retry-ok");
    assertThat(SIMULATOR.callCount("/key/generate") - before).isEqualTo(3);
  }

  @Test
  void persistentFiveHundredsGiveUpAfterMaxAttempts() {
    SIMULATOR.failWith(500, -1);
    int before = SIMULATOR.callCount("/key/generate");

    Throwable failure = catchThrowable(() -> client.generateKey(request("retry-no")));

    assertThat(failure).isInstanceOf(LiteLlmUnavailableException.class).hasMessageContaining("500");
    assertThat(SIMULATOR.callCount("/key/generate") - before).isEqualTo(3);
  }

  @Test
  void fourHundredsAreNeverRetried() {
    SIMULATOR.respondWith(400, "{\"error\":{\"message\":\"bad\",\"type\":\"bad_request_error\",\"param\":null,\"code\":\"400\"}}", -1);
    int before = SIMULATOR.callCount("/key/generate");

    Throwable failure = catchThrowable(() -> client.generateKey(request("no-retry")));

    assertThat(failure).isInstanceOf(LiteLlmRejectedException.class);
    assertThat(((LiteLlmRejectedException) failure).type()).isEqualTo("bad_request_error");
    assertThat(SIMULATOR.callCount("/key/generate") - before).isEqualTo(1);
  }

  @Test
  void droppedConnectionsAreRetried() {
    SIMULATOR.dropConnections(1);
    int before = SIMULATOR.callCount("/key/generate");

    GeneratedKey key = client.generateKey(request("dropped-once"));

    assertThat(key.keyAlias()).isEqualTo("dropped-once");
    assertThat(SIMULATOR.callCount("/key/generate") - before).isEqualTo(2);
  }

  @Test
  void slowAnswersTimeOutAndCountAsUnavailable() {
    SIMULATOR.delay(java.time.Duration.ofSeconds(2), -1);
    long started = System.nanoTime();

    Throwable failure = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-whatever")));

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(failure).isInstanceOf(LiteLlmUnavailableException.class);
    // 3 attempts x 300 ms timeout + 20 + 40 ms backoff, with room for a slow machine
    assertThat(tookMillis).isLessThan(1_900);
  }

  @Test
  void refusedConnectionIsUnavailable() throws Exception {
    LiteLlmClient nowhere = client("http://127.0.0.1:" + TestRedis.freePort(), 2);

    Throwable failure = catchThrowable(() -> nowhere.generateKey(request("nowhere")));

    assertThat(failure).isInstanceOf(LiteLlmUnavailableException.class);
    assertThat(nowhere.isAlive()).isFalse();
  }

  @Test
  void budgetExceededIsRecognisedAt400AndAt429() {
    String body = "{\"error\":{\"message\":\"Budget has been exceeded! Current cost: 26.07, Max budget: 0.25\","
        + "\"type\":\"budget_exceeded\",\"param\":null,\"code\":\"%s\"}}";
    for (int status : new int[] {400, 429}) {
      SIMULATOR.respondWith(status, String.format(body, status), 1);

      Throwable failure = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-over")));

      assertThat(failure).isInstanceOf(LiteLlmBudgetExceededException.class);
      assertThat(((LiteLlmBudgetExceededException) failure).status()).isEqualTo(status);
    }
  }

  @Test
  void errorMessagesNeverCarryAKey() {
    SIMULATOR.respondWith(404, "{\"error\":{\"message\":\"Key not found: sk-SuperSecretValue123\",\"type\":\"not_found_error\"}}", 1);

    Throwable failure = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-SuperSecretValue123")));

    assertThat(failure.getMessage()).doesNotContain("SuperSecretValue123");
  }

  @Test
  void wrongMasterKeyIsAnAuthError() {
    LiteLlmClient wrong = new LiteLlmClient(
        new LiteLlmConfig(SIMULATOR.baseUrl(), "sk-wrong", Duration.milliseconds(300), 1, Duration.milliseconds(10), 2.0, null, null),
        Jackson.newObjectMapper());

    Throwable failure = catchThrowable(() -> wrong.generateKey(request("wrong-master")));

    assertThat(failure).isInstanceOf(LiteLlmRejectedException.class);
    assertThat(((LiteLlmRejectedException) failure).status()).isEqualTo(401);
    assertThat(((LiteLlmRejectedException) failure).type()).isEqualTo("auth_error");
  }

  @Test
  void healthProbeSeesTheSimulator() {
    assertThat(client.isAlive()).isTrue();
  }

  private static KeyGenerateRequest request(String alias) {
    return new KeyGenerateRequest(alias, new BigDecimal("10"), null, Map.of("tenant_id", alias));
  }

  private static LiteLlmClient client(String baseUrl, int attempts) {
    return new LiteLlmClient(
        new LiteLlmConfig(baseUrl, TestTokens.LITELLM_MASTER_KEY, Duration.milliseconds(300), attempts,
            Duration.milliseconds(20), 2.0, null, null),
        Jackson.newObjectMapper());
  }
}
