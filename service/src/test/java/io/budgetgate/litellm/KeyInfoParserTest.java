package io.budgetgate.litellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyPage;
import io.budgetgate.litellm.api.ListedKey;
import io.budgetgate.platform.AmountCeiling;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * /key/info answers as LiteLLM really sends them (nested under info, with nulls and extras), and
 * the faults it must never read as a spend of 0.
 */
class KeyInfoParserTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Test
  void readsTheIssue26672SampleWithNullMaxBudgetAndUnknownFields() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/litellm/key-info-issue-26672.json")) {
      root = JSON.readTree(in);
    }

    KeyInfo info = KeyInfoParser.parse(root);

    assertThat(info.spend()).isEqualByComparingTo("78.70");
    assertThat(info.maxBudget()).isNull();
    assertThat(info.budgetDuration()).isEqualTo("1d");
    assertThat(info.budgetResetAt()).isEqualTo(Instant.parse("2026-06-04T00:00:00Z"));
    assertThat(info.keyAlias()).isEqualTo("xxxxxx");
  }

  @ParameterizedTest(name = "spend {0}")
  @ValueSource(strings = {"\"abc\"", "\"NaN\"", "null", "true", "\"12.5\"", "{}", "[]", "MISSING"})
  void aSpendThatIsNotAFiniteNumberIsAFailedReadNeverZero(String spend) throws Exception {
    String info = spend.equals("MISSING") ? "{\"key_alias\": \"odd\", \"max_budget\": 110.0}"
        : "{\"key_alias\": \"odd\", \"spend\": " + spend + ", \"max_budget\": 110.0}";

    assertThatThrownBy(() -> KeyInfoParser.parse(JSON.readTree("{\"key\": \"sk-x\", \"info\": " + info + "}")))
        .isInstanceOf(LiteLlmBadAnswerException.class)
        .hasMessageContaining("spend")
        .hasMessageContaining("not as a spend of 0");
  }

  @Test
  void aSpendAboveTheAmountCeilingIsHeldAtTheCeiling() throws Exception {
    KeyInfo huge = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 1e12}}"));
    KeyInfo enormous = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 1e300}}"));
    KeyInfo atCeiling = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 1000000000.00}}"));

    assertThat(huge.spend()).isEqualByComparingTo(AmountCeiling.MAX);
    assertThat(enormous.spend()).isEqualByComparingTo(AmountCeiling.MAX);
    assertThat(atCeiling.spend()).isEqualByComparingTo("1000000000");
  }

  @Test
  void aNonFiniteDoubleSpendIsAFailedRead() throws Exception {
    ObjectMapper lenient = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    assertThatThrownBy(() -> KeyInfoParser.parse(lenient.readTree("{\"info\": {\"spend\": NaN}}")))
        .isInstanceOf(LiteLlmBadAnswerException.class);
    assertThatThrownBy(() -> KeyInfoParser.parse(lenient.readTree("{\"info\": {\"spend\": Infinity}}")))
        .isInstanceOf(LiteLlmBadAnswerException.class);
  }

  @Test
  void unknownFieldsAreIgnoredAndZonelessTimestampsAreUtc() throws Exception {
    KeyInfo info = KeyInfoParser.parse(JSON.readTree(
        "{\"info\": {\"spend\": 2, \"max_budget\": 10.5, \"budget_reset_at\": \"2026-07-01T00:00:00\", "
            + "\"a_field_of_a_future_release\": {\"nested\": [1, 2]}}}"));

    assertThat(info.spend()).isEqualByComparingTo("2");
    assertThat(info.maxBudget()).isEqualByComparingTo("10.5");
    assertThat(info.budgetResetAt()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
  }

  @Test
  void anUnreadableTimestampIsAbsentNotFatal() throws Exception {
    KeyInfo info = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 1, \"budget_reset_at\": \"soon\"}}"));

    assertThat(info.budgetResetAt()).isNull();
  }

  @Test
  void topLevelBudgetFieldsWithoutInfoAreRefused() throws Exception {
    assertThatThrownBy(() -> KeyInfoParser.parse(JSON.readTree("{\"spend\": 5, \"max_budget\": 10}")))
        .isInstanceOf(LiteLlmBadAnswerException.class)
        .hasMessageContaining("info");
  }

  @Test
  void aKeyListPageKeepsTheReadableRowsAndCountsTheOthers() throws Exception {
    KeyPage page = KeyInfoParser.parsePage(JSON.readTree("""
        {"keys": [
           {"token": "h1", "key_alias": "acme", "spend": 12.5, "max_budget": "110", "budget_duration": "30d",
            "budget_reset_at": "2026-12-31T00:00:00Z"},
           {"key_alias": "no-token", "spend": 1},
           "not an object",
           {"token": "h2", "key_alias": "bad-spend", "spend": "NaN"},
           {"token": "h3", "key_alias": null, "spend": 0, "max_budget": "not a number"}],
         "total_pages": 3}"""));

    assertThat(page.keys()).extracting(ListedKey::tokenHash).containsExactly("h1", "h3");
    assertThat(page.unreadable()).as("no token, not an object, a spend that is no number").isEqualTo(3);
    assertThat(page.totalPages()).isEqualTo(3);
    KeyInfo acme = page.keys().get(0).info();
    assertThat(acme.keyAlias()).isEqualTo("acme");
    assertThat(acme.spend()).isEqualByComparingTo("12.5");
    assertThat(acme.maxBudget()).as("a number sent as text").isEqualByComparingTo("110");
    assertThat(acme.budgetDuration()).isEqualTo("30d");
    assertThat(acme.budgetResetAt()).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
    KeyInfo unnamed = page.keys().get(1).info();
    assertThat(unnamed.keyAlias()).isNull();
    assertThat(unnamed.maxBudget()).as("text that is no number is absent").isNull();
  }

  @Test
  void aKeyListAnswerWithoutItsKeysIsABadAnswerAndNoPagesMeansOne() throws Exception {
    assertThatThrownBy(() -> KeyInfoParser.parsePage(JSON.readTree("{\"data\": []}")))
        .isInstanceOf(LiteLlmBadAnswerException.class).hasMessageContaining("'keys'");
    assertThat(KeyInfoParser.parsePage(JSON.readTree("{\"keys\": []}")).totalPages()).isZero();
  }

  @Test
  void aLongOddSpendIsShownShortenedInTheMessage() throws Exception {
    String long_ = "x".repeat(60);
    assertThatThrownBy(() -> KeyInfoParser.parse(JSON.readTree("{\"info\": {\"key_alias\": \"odd\", \"spend\": \"" + long_
        + "\"}}")))
        .isInstanceOf(LiteLlmBadAnswerException.class)
        .hasMessageContaining("x".repeat(39) + "...")
        .hasMessageNotContaining("x".repeat(42));
  }

  @Test
  void aSpendJustOverTheCeilingIsHeldAndOneCentUnderIsKept() throws Exception {
    assertThat(KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 1000000000.01}}")).spend())
        .isEqualByComparingTo(AmountCeiling.MAX);
    assertThat(KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 999999999.99}}")).spend())
        .isEqualByComparingTo("999999999.99");
  }

  @Test
  void anInfoWithOnlyASpendHasEveryOtherFieldAbsent() throws Exception {
    KeyInfo bare = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 3}}"));
    KeyInfo nulls = KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": 3, \"key_alias\": null, \"max_budget\": null,"
        + " \"budget_duration\": null, \"budget_reset_at\": \" \"}}"));

    for (KeyInfo info : new KeyInfo[] {bare, nulls}) {
      assertThat(info.spend()).isEqualByComparingTo("3");
      assertThat(info.keyAlias()).isNull();
      assertThat(info.maxBudget()).isNull();
      assertThat(info.budgetDuration()).isNull();
      assertThat(info.budgetResetAt()).isNull();
    }
  }

  @Test
  void aNullSpendIsNamedAsNullAndAShortOddSpendIsShownWhole() throws Exception {
    assertThatThrownBy(() -> KeyInfoParser.parse(JSON.readTree("{\"info\": {\"key_alias\": \"odd\", \"spend\": null}}")))
        .hasMessageContaining("is not a number (null)");
    String forty = "y".repeat(40);
    assertThatThrownBy(() -> KeyInfoParser.parse(JSON.readTree("{\"info\": {\"spend\": \"" + forty.substring(2) + "\"}}")))
        .as("40 characters with its quotes").hasMessageContaining("(string \"" + forty.substring(2) + "\")");
  }

  @Test
  void aKeyListRowWithANullTokenIsUnreadable() throws Exception {
    KeyPage page = KeyInfoParser.parsePage(JSON.readTree("{\"keys\": [{\"token\": null, \"spend\": 1}, {\"token\": \"h\", \"spend\": 1}]}"));

    assertThat(page.keys()).extracting(ListedKey::tokenHash).containsExactly("h");
    assertThat(page.unreadable()).isEqualTo(1);
  }
}
