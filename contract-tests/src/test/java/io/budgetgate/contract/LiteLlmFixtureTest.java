package io.budgetgate.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.budgetgate.litellm.LiteLlmBudgetExceededException;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.LiteLlmRejectedException;
import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real LiteLLM answers (the service's test resources {@code litellm/}, each with its source in
 * {@code SOURCES.md}), served byte for byte over HTTP: the client reads each, ignores unknown
 * fields, copes with LiteLLM's nulls, and tells a missing key from every other refusal.
 */
class LiteLlmFixtureTest {
  static final LiteLlmSimulator SERVER = TestApps.simulator();
  final LiteLlmClient client = new LiteLlmClient(new LiteLlmConfig(SERVER.baseUrl(), TestTokens.LITELLM_MASTER_KEY,
      Duration.seconds(2), 1, Duration.milliseconds(10), 2.0, null, null), Jackson.newObjectMapper());

  @AfterEach
  void heal() {
    SERVER.heal();
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
  }

  @Test
  void keyInfoFromIssue26672WithNullMaxBudgetAndExtraFields() throws IOException {
    serve(200, "key-info-issue-26672.json");

    KeyInfo info = client.keyInfo(new VirtualKey("sk-whatever"));

    assertThat(info.spend()).isEqualByComparingTo("78.70");
    assertThat(info.maxBudget()).isNull();
    assertThat(info.budgetDuration()).isEqualTo("1d");
    assertThat(info.budgetResetAt()).isEqualTo(Instant.parse("2026-06-04T00:00:00Z"));
  }

  @Test
  void generateAnswerWithNullsAndWithoutSoftBudget() throws IOException {
    serve(200, "key-generate.json");

    GeneratedKey key = client.generateKey(new KeyGenerateRequest("tenant-42", new BigDecimal("100"), "30d", Map.of()));

    assertThat(key.key().reveal()).isEqualTo("sk-AbCdEfGhIjKlMnOpQrStUv");
    assertThat(key.tokenHash()).startsWith("9f86d081");
    assertThat(key.keyAlias()).isEqualTo("tenant-42");
  }

  @Test
  void updateAndDeleteAnswersAreAccepted() throws IOException {
    serve(200, "key-update.json");
    client.updateKey(new KeyUpdate(new VirtualKey("sk-AbCdEfGhIjKlMnOpQrStUv"), new BigDecimal("165"), null, BigDecimal.ZERO));
    serve(200, "key-delete.json");
    client.deleteKey(new VirtualKey("sk-AbCdEfGhIjKlMnOpQrStUv"));
  }

  @Test
  void aMissingKeyIsRecognisedInEachOfLiteLlmsShapes() throws IOException {
    serve(404, "error-not-found.json");
    Throwable onInfo = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-gone")));
    serve(401, "error-update-missing-key.json");
    Throwable onUpdate = catchThrowable(() -> client.updateKey(new KeyUpdate(new VirtualKey("sk-gone"), BigDecimal.TEN, null, null)));
    serve(404, "error-delete-none-found.json");
    Throwable onDelete = catchThrowable(() -> client.deleteKey(new VirtualKey("sk-gone")));

    assertThat(onInfo).isInstanceOf(LiteLlmKeyMissingException.class);
    assertThat(onUpdate).isInstanceOf(LiteLlmKeyMissingException.class)
        .hasMessageNotContaining("sk-AbCdEfGhIjKlMnOpQrStUv"); // LiteLLM names the raw key: masked
    assertThat(onDelete).isInstanceOf(LiteLlmKeyMissingException.class);
  }

  @Test
  void aWrongMasterKeyOrADuplicateAliasIsNotAMissingKey() throws IOException {
    serve(401, "error-wrong-master-key.json");
    Throwable wrongMaster = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-whatever")));
    serve(400, "error-duplicate-alias.json");
    Throwable duplicate = catchThrowable(() -> client.generateKey(
        new KeyGenerateRequest("tenant-42", BigDecimal.TEN, null, Map.of())));
    SERVER.respondWith(404, "{\"detail\":\"Not Found\"}", 1); // FastAPI's answer for a wrong route, not LiteLLM's
    Throwable wrongRoute = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-whatever")));

    assertThat(wrongMaster).isInstanceOf(LiteLlmRejectedException.class).isNotInstanceOf(LiteLlmKeyMissingException.class);
    assertThat(((LiteLlmRejectedException) wrongMaster).type()).isEqualTo("auth_error");
    assertThat(duplicate).isInstanceOf(LiteLlmRejectedException.class).isNotInstanceOf(LiteLlmKeyMissingException.class);
    assertThat(wrongRoute).isInstanceOf(LiteLlmRejectedException.class).isNotInstanceOf(LiteLlmKeyMissingException.class);
  }

  @Test
  void budgetExceededIsRecognisedInBothStatusVariants() throws IOException {
    for (int status : new int[] {400, 429}) {
      serve(status, "error-budget-exceeded-" + status + ".json");

      Throwable failure = catchThrowable(() -> client.keyInfo(new VirtualKey("sk-over")));

      assertThat(failure).isInstanceOf(LiteLlmBudgetExceededException.class).hasMessageContaining("Budget has been exceeded");
      assertThat(((LiteLlmBudgetExceededException) failure).status()).isEqualTo(status);
    }
  }

  private static void serve(int status, String fixture) throws IOException {
    try (InputStream in = LiteLlmFixtureTest.class.getResourceAsStream("/litellm/" + fixture)) {
      SERVER.respondWith(status, new String(in.readAllBytes(), StandardCharsets.UTF_8), 1);
    }
  }
}
