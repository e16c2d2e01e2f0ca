package io.budgetgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.BudgetGateApplication;
import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.rules.BudgetPolicy;
import io.dropwizard.jackson.Jackson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
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
    BudgetGateApplication.configureJson(JSON); // the API's own settings
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
    } catch (ServiceException e) {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.MALFORMED);
      assertThat(e.error()).isEqualTo("malformed_json");
      return;
    }
    try {
      LiteLlmEvent event = LiteLlmEvent.from(tree);
      assertThat(event.spend().signum()).isNotNegative();
      assertThat(event.event()).isNotBlank();
      assertThat(event.spend()).isLessThanOrEqualTo(AmountCeiling.MAX);
      if (event.notATenantEvent().isEmpty()) {
        assertThat(event.keyAlias() != null || event.token() != null).isTrue();
      }
    } catch (ValidationException e) {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.INVALID);
      assertThat(e.fields()).isNotEmpty();
    }
  }

  /**
   * Spend values of every size and precision (huge and tiny exponents, dozens of digits) in an
   * otherwise well-formed key event: either a 422 naming {@code spend}, or accepted with exactly the
   * spend sent, and then every figure an alert row stores from it fits its column (the 1e12 spend
   * that once overflowed {@code budget_alert_history} and answered 500).
   */
  @FuzzTest(maxDuration = "60s")
  void anySpendIsAcceptedAsSentOrA422(FuzzedDataProvider data) {
    String digits = data.consumeString(60).replaceAll("[^0-9]", "");
    String fraction = data.consumeString(40).replaceAll("[^0-9]", "");
    int exponent = data.consumeInt(-400, 400);
    BigDecimal budget = new BigDecimal(data.consumeLong(1, 100_000_000_000L)).movePointLeft(2); // 0.01 .. the ceiling
    String literal = (digits.isEmpty() ? "0" : digits) + (fraction.isEmpty() ? "" : "." + fraction)
        + (data.consumeBoolean() ? "e" + exponent : "");
    String body = "{\"spend\": " + literal + ", \"event\": \"budget_crossed\", \"event_group\": \"key\", "
        + "\"key_alias\": \"acme\", \"token\": null, \"max_budget\": 1.0}";
    JsonNode tree;
    try {
      tree = WebhookResource.readJson(JSON, body.getBytes(StandardCharsets.UTF_8));
    } catch (ServiceException e) {
      assertThat(e.kind()).isEqualTo(ServiceException.Kind.MALFORMED); // a literal Jackson will not read at all (e.g. a leading zero)
      return;
    }
    BigDecimal sent = new BigDecimal(literal);
    try {
      LiteLlmEvent event = LiteLlmEvent.from(tree);
      assertThat(event.spend()).isEqualByComparingTo(sent);
      assertFitsAlertColumns(event.spend(), budget);
    } catch (ValidationException e) {
      assertThat(e.fields()).extracting(FieldError::field).containsExactly("spend");
      assertThat(sent.compareTo(AmountCeiling.MAX)).as("only spend above the ceiling is refused").isPositive();
    }
  }

  /** What budget_alert_history stores: spend NUMERIC(16,6), percent_used NUMERIC(18,2), effective_budget NUMERIC(14,2). */
  private static void assertFitsAlertColumns(BigDecimal spend, BigDecimal effectiveBudget) {
    assertThat(integerDigits(spend.setScale(6, RoundingMode.HALF_UP))).isLessThanOrEqualTo(16 - 6);
    assertThat(integerDigits(BudgetPolicy.percentUsed(spend, effectiveBudget))).isLessThanOrEqualTo(18 - 2);
    assertThat(integerDigits(effectiveBudget)).isLessThanOrEqualTo(14 - 2);
  }

  private static int integerDigits(BigDecimal value) {
    return Math.max(0, value.precision() - value.scale());
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
