package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.errors.FieldError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every edge of what a budget field may hold: the last allowed value and the first refused one. */
class BudgetFieldChecksTest {

  @ParameterizedTest(name = "max_budget {0} -> {1}")
  @CsvSource({
      "0, ok", "0.00, ok", "-0.01, must be 0 or more", "12.34, ok", "12.340, ok", "12.345, at most 2 decimal places",
      "1E+2, ok", "1000000000.00, ok", "1000000000.01, at most"})
  void maxBudget(String value, String outcome) {
    List<FieldError> errors = new ArrayList<>();
    BudgetFieldChecks.maxBudget(new BigDecimal(value), errors);
    if ("ok".equals(outcome)) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.field()).isEqualTo("max_budget");
        assertThat(e.message()).contains(outcome);
      });
    }
  }

  @ParameterizedTest(name = "alert {0}, grace {1} -> {2}")
  @CsvSource({
      "1, 100, ok", "100, 100, ok", "80, 200, ok", "0, 110, alert_threshold", "101, 110, alert_threshold",
      "80, 99, grace_threshold", "80, 201, grace_threshold", "0, 99, alert_threshold grace_threshold",
      "100, 100, ok"})
  void thresholds(int alert, int grace, String outcome) {
    List<FieldError> errors = new ArrayList<>();
    BudgetFieldChecks.thresholds(alert, grace, errors);
    if ("ok".equals(outcome)) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).extracting(FieldError::field).containsExactly(outcome.split(" "));
    }
  }

  @ParameterizedTest(name = "max_budget {0} + overrides {1} -> {2}")
  @CsvSource({"999999999.99, 0.01, ok", "1000000000.00, 0.01, refused", "0, 0, ok"})
  void effectiveBudgetStaysWithinTheCeiling(String maxBudget, String overrides, String outcome) {
    List<FieldError> errors = new ArrayList<>();
    BudgetFieldChecks.effectiveBudget("amount", new BigDecimal(maxBudget), new BigDecimal(overrides), errors);
    if ("ok".equals(outcome)) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.field()).isEqualTo("amount");
        assertThat(e.message()).contains(AmountCeiling.TEXT);
      });
    }
  }

  @ParameterizedTest(name = "duration {0} -> {1}")
  @CsvSource({"30d, 30d", "1mo, 1mo", "2mo, ", "'', ", "0d, "})
  void budgetDuration(String value, String normalised) {
    List<FieldError> errors = new ArrayList<>();
    String result = BudgetFieldChecks.budgetDuration(value, errors);
    assertThat(result).isEqualTo(normalised);
    if (normalised == null) {
      assertThat(errors).extracting(FieldError::field).containsExactly("budget_duration");
    } else {
      assertThat(errors).isEmpty();
    }
  }
}
