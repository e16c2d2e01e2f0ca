package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.http.ApiException;
import io.budgetgate.platform.http.ValidationException;
import io.dropwizard.jackson.Jackson;
import java.time.Duration;
import java.time.Instant;

/**
 * Arbitrary bytes into webhook intake's parser, validator and signature check. The property:
 * every input ends in acceptance or a clear 4xx outcome (400 malformed JSON, 422 invalid fields,
 * 401 signature), never an exception escaping (which would be a 500). Without JAZZER_FUZZ these
 * run the committed corpus under src/test/resources as regression tests; .ci/run fuzzes each for
 * a fixed time.
 */
class WebhookFuzzTest {
  private static final ObjectMapper JSON = Jackson.newObjectMapper();

  static {
    io.budgetgate.BudgetGateApplication.configureJson(JSON); // the API's own settings
  }

  /** The bare Jackson defaults, as a relay or a future caller might parse with. */
  private static final ObjectMapper PLAIN = Jackson.newObjectMapper();
  private static final SignatureVerifier VERIFIER =
      new SignatureVerifier("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", Duration.ofMinutes(5));
  private static final Instant NOW = Instant.ofEpochSecond(1796000000);

  @FuzzTest(maxDuration = "60s")
  void anyBodyIsAcceptedOrAClear4xx(byte[] body) {
    check(JSON, body);
    check(PLAIN, body);
  }

  private static void check(ObjectMapper json, byte[] body) {
    JsonNode tree;
    try {
      tree = WebhookResource.readJson(json, body); // exactly what the endpoint does
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.error()).isEqualTo("malformed_json");
      return;
    }
    try {
      LiteLlmEvent event = LiteLlmEvent.from(tree);
      assertThat(event.spend().signum()).isNotNegative();
      assertThat(event.event()).isNotBlank();
      assertThat(event.keyAlias() != null || event.token() != null || event.teamId() != null).isTrue();
    } catch (ValidationException e) {
      assertThat(e.status()).isEqualTo(422);
      assertThat(e.fields()).isNotEmpty();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void anySignatureHeadersGiveAnOutcome(FuzzedDataProvider data) {
    String id = data.consumeString(64);
    String timestamp = data.consumeBoolean() ? String.valueOf(NOW.getEpochSecond() + data.consumeInt(-400, 400)) : data.consumeString(20);
    String signature = data.consumeString(300);
    byte[] body = data.consumeRemainingAsBytes();

    SignatureVerifier.Outcome outcome = VERIFIER.verify(id, timestamp, signature, body, NOW);

    assertThat(outcome).isNotNull();
    if (outcome == SignatureVerifier.Outcome.VALID) {
      assertThat(VERIFIER.signatureFor(id.trim(), timestamp.trim(), body)).isNotNull();
    }
  }
}
