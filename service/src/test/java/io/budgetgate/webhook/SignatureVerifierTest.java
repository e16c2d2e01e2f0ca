package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Standard Webhooks verification against vectors computed independently of this code. */
class SignatureVerifierTest {
  private static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private final SignatureVerifier verifier = new SignatureVerifier(SECRET, Duration.ofMinutes(5));

  @Test
  void theIndependentVectorsVerifyAsTheySay() throws Exception {
    JsonNode vectors = vectors();
    assertThat(vectors.get("secret").asText()).isEqualTo(SECRET);

    for (JsonNode v : vectors.get("vectors")) {
      Instant at = Instant.ofEpochSecond(v.get("webhook_timestamp").asLong());
      SignatureVerifier.Outcome outcome = verifier.verify(v.get("webhook_id").asText(), v.get("webhook_timestamp").asText(),
          v.get("expected_signature").asText(), v.get("raw_body_utf8").asText().getBytes(StandardCharsets.UTF_8), at);
      assertThat(outcome == SignatureVerifier.Outcome.VALID).as(v.get("webhook_id").asText()).isEqualTo(v.get("valid").asBoolean());
    }
  }

  @Test
  void theCommittedVectorsAreTheSharedReferenceWhenItIsPresent() throws Exception {
    Path shared = Path.of("../../shared/reference/webhook-test-vectors.json");
    if (Files.isRegularFile(shared)) { // beside the project in CI and in developers' checkouts
      assertThat(new ObjectMapper().readTree(shared.toFile())).isEqualTo(vectors());
    }
  }

  @Test
  void anyOneOfSeveralSignaturesPassesSoSecretsCanRotate() {
    byte[] body = "{\"spend\":1}".getBytes(StandardCharsets.UTF_8);
    String good = verifier.signatureFor("msg_1", "1796000000", body);
    Instant at = Instant.ofEpochSecond(1796000000);

    assertThat(verifier.verify("msg_1", "1796000000", "v1,AAAA " + good, body, at)).isEqualTo(SignatureVerifier.Outcome.VALID);
    assertThat(verifier.verify("msg_1", "1796000000", "v2,xyz " + good + " v1,!!!", body, at)).isEqualTo(SignatureVerifier.Outcome.VALID);
    assertThat(verifier.verify("msg_1", "1796000000", "v1,AAAA", body, at)).isEqualTo(SignatureVerifier.Outcome.NO_MATCHING_SIGNATURE);
    assertThat(verifier.verify("msg_2", "1796000000", good, body, at)).isEqualTo(SignatureVerifier.Outcome.NO_MATCHING_SIGNATURE);
  }

  @Test
  void aSecretMustBeAStandardWebhooksSecret() {
    Assertions.assertThatThrownBy(() -> new SignatureVerifier("not-a-secret", Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
  }

  @Test
  void timestampsMoreThanFiveMinutesOffEitherWayFail() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String sig = verifier.signatureFor("msg", "1796000000", body);
    Instant t = Instant.ofEpochSecond(1796000000);

    assertThat(verifier.verify("msg", "1796000000", sig, body, t.plusSeconds(300))).isEqualTo(SignatureVerifier.Outcome.VALID);
    assertThat(verifier.verify("msg", "1796000000", sig, body, t.minusSeconds(300))).isEqualTo(SignatureVerifier.Outcome.VALID);
    assertThat(verifier.verify("msg", "1796000000", sig, body, t.plusSeconds(301))).isEqualTo(SignatureVerifier.Outcome.TIMESTAMP_OUT_OF_TOLERANCE);
    assertThat(verifier.verify("msg", "1796000000", sig, body, t.minusSeconds(301))).isEqualTo(SignatureVerifier.Outcome.TIMESTAMP_OUT_OF_TOLERANCE);
    assertThat(verifier.verify("msg", "soon", sig, body, t)).isEqualTo(SignatureVerifier.Outcome.MALFORMED_TIMESTAMP);
    assertThat(verifier.verify("msg", "1796000000", null, body, t)).isEqualTo(SignatureVerifier.Outcome.MISSING_HEADER);
    assertThat(verifier.verify(" ", "1796000000", sig, body, t)).isEqualTo(SignatureVerifier.Outcome.MISSING_HEADER);
    assertThat(verifier.verify("msg", null, sig, body, t)).isEqualTo(SignatureVerifier.Outcome.MISSING_HEADER);
    assertThat(verifier.verify(null, "1796000000", sig, body, t)).isEqualTo(SignatureVerifier.Outcome.MISSING_HEADER);
  }

  private static JsonNode vectors() throws Exception {
    try (InputStream in = SignatureVerifierTest.class.getResourceAsStream("/webhooks/standard-webhooks-vectors.json")) {
      return new ObjectMapper().readTree(in);
    }
  }
}
