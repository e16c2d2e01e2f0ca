package io.budgetgate.litellm.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator's calendar against dates LiteLLM itself computes: each row is what
 * {@code get_next_standardized_reset_time} (duration_parser.py @0cc4fef4, UTC) returns for that
 * moment and duration, obtained by running LiteLLM's function, not by reasoning from BudgetGate's rules.
 */
class LiteLlmCalendarTest {

  @ParameterizedTest(name = "{1} at {0} -> {2}")
  @CsvSource({
      // now = Tuesday 2026-12-01 10:17:42 UTC
      "2026-12-01T10:17:42Z, 1d,   2026-12-02T00:00:00Z",
      "2026-12-01T10:17:42Z, 2d,   2026-12-03T00:00:00Z",
      "2026-12-01T10:17:42Z, 7d,   2026-12-07T00:00:00Z",
      "2026-12-01T10:17:42Z, 1w,   2026-12-07T00:00:00Z",
      "2026-12-01T10:17:42Z, 14d,  2026-12-15T00:00:00Z",
      "2026-12-01T10:17:42Z, 2w,   2026-12-15T00:00:00Z",
      "2026-12-01T10:17:42Z, 30d,  2027-01-01T00:00:00Z",
      "2026-12-01T10:17:42Z, 31d,  2027-01-01T00:00:00Z",
      "2026-12-01T10:17:42Z, 1mo,  2027-01-01T00:00:00Z",
      "2026-12-01T10:17:42Z, 12h,  2026-12-01T12:00:00Z",
      "2026-12-01T10:17:42Z, 5h,   2026-12-01T15:00:00Z",
      "2026-12-01T10:17:42Z, 1h,   2026-12-01T11:00:00Z",
      "2026-12-01T10:17:42Z, 30m,  2026-12-01T10:30:00Z",
      "2026-12-01T10:17:42Z, 90m,  2026-12-01T11:30:00Z",
      "2026-12-01T10:17:42Z, 45s,  2026-12-01T10:17:45Z",
      "2026-12-01T10:17:42Z, abc,  2026-12-02T00:00:00Z",
      "2026-12-01T10:17:42Z, 1D,   2026-12-02T00:00:00Z",
      "2026-12-01T10:17:42Z, 1min, 2026-12-02T00:00:00Z",
      // edges
      "2026-12-01T22:30:00Z, 5h,   2026-12-02T01:00:00Z",
      "2026-12-01T10:17:50Z, 45s,  2026-12-01T10:18:30Z",
      "2026-12-01T10:45:00Z, 30m,  2026-12-01T11:00:00Z",
      "2026-12-07T09:00:00Z, 1w,   2026-12-14T00:00:00Z",
      "2026-12-31T23:59:59Z, 1mo,  2027-01-01T00:00:00Z",
      "2026-02-15T08:00:00Z, 30d,  2026-03-01T00:00:00Z"})
  void computesTheResetLiteLlmComputes(String now, String duration, String expected) {
    assertThat(LiteLlmCalendar.nextReset(duration, Instant.parse(now))).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(nullValues = "NULL", value = {"NULL", "''", "none", "null"})
  void noDurationMeansNoReset(String duration) {
    assertThat(LiteLlmCalendar.nextReset(duration, Instant.parse("2026-12-01T10:17:42Z"))).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0d", "0h", "0s"})
  void aZeroDurationResetsNow(String duration) {
    Instant now = Instant.parse("2026-12-01T10:17:42.123Z");
    assertThat(LiteLlmCalendar.nextReset(duration, now)).isEqualTo(now);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"2mo", "12mo"})
  void moreThanOneMonthIsRefused(String duration) {
    assertThatThrownBy(() -> LiteLlmCalendar.nextReset(duration, Instant.parse("2026-12-01T10:17:42Z")))
        .isInstanceOf(LiteLlmCalendar.UnsupportedDuration.class)
        .hasMessageContaining("only support 1 month intervals");
  }
}
