package io.budgetgate.litellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.litellm.api.KeyInfo;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** /key/info answers as LiteLLM really sends them: nested under info, with nulls and extras. */
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

  @Test
  void nullSpendReadsAsZeroAndZonelessTimestampsAsUtc() throws Exception {
    KeyInfo info = KeyInfoParser.parse(JSON.readTree(
        "{\"info\": {\"spend\": null, \"max_budget\": 10.5, \"budget_reset_at\": \"2026-07-01T00:00:00\"}}"));

    assertThat(info.spend()).isEqualByComparingTo("0");
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
        .isInstanceOf(LiteLlmUnavailableException.class)
        .hasMessageContaining("info");
  }
}
