package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BudgetDurationTest {

  @ParameterizedTest
  @ValueSource(strings = {"30s", "30m", "24h", "1d", "7d", "30d", "1w", "1mo"})
  void litellmDurationsAreAccepted(String text) {
    assertThat(BudgetDuration.parse(text).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "d", "0d", "-1d", "1.5d", "30 d", "1y", "monthly", "2mo", "12mo"})
  void anythingElseIsRefusedWithAnExplanation(String text) {
    assertThatThrownBy(() -> BudgetDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(".*(s, m, h, d, w or mo|at most 1mo).*");
  }

  @org.junit.jupiter.api.Test
  void aDurationIsAPositiveNumberOfKnownUnits() {
    assertThatThrownBy(() -> new BudgetDuration(0, BudgetDuration.Unit.DAYS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BudgetDuration.Unit.of("y")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new BudgetDuration(1, BudgetDuration.Unit.MONTHS).toString()).isEqualTo("1mo");
    assertThatThrownBy(() -> BudgetDuration.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"30D", " 7d "})
  void caseAndSurroundingSpaceAreForgiven(String text) {
    assertThat(BudgetDuration.parse(text).toString()).isEqualTo(text.strip().toLowerCase());
  }
}
