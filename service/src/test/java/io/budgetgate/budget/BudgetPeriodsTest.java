package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LiteLLM's calendar semantics for budget_duration (reference/litellm-api.md §2), in UTC. */
class BudgetPeriodsTest {

  @ParameterizedTest(name = "{0} at {1} -> {2}")
  @CsvSource({
      // Sunday 2026-11-29
      "1d,  2026-11-29T15:30:00Z, 2026-11-30T00:00:00Z",
      "1d,  2026-11-29T00:00:00Z, 2026-11-30T00:00:00Z",
      "7d,  2026-11-29T15:30:00Z, 2026-11-30T00:00:00Z",
      "7d,  2026-11-30T00:00:00Z, 2026-12-07T00:00:00Z",
      "1w,  2026-12-02T08:00:00Z, 2026-12-07T00:00:00Z",
      "2w,  2026-12-02T08:00:00Z, 2026-12-16T00:00:00Z",
      "30d, 2026-11-29T15:30:00Z, 2026-12-01T00:00:00Z",
      "30d, 2026-12-31T23:59:59Z, 2027-01-01T00:00:00Z",
      "1mo, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z",
      "3d,  2026-11-29T15:30:00Z, 2026-12-02T00:00:00Z",
      "1h,  2026-11-29T15:30:00Z, 2026-11-29T16:00:00Z",
      "6h,  2026-11-29T15:30:00Z, 2026-11-29T18:00:00Z",
      "6h,  2026-11-29T18:00:00Z, 2026-11-30T00:00:00Z",
      "24h, 2026-11-29T15:30:00Z, 2026-11-30T00:00:00Z",
      "15m, 2026-11-29T15:31:10Z, 2026-11-29T15:45:00Z",
      "15m, 2026-11-29T15:50:00Z, 2026-11-29T16:00:00Z",
      "30s, 2026-11-29T15:31:10Z, 2026-11-29T15:31:30Z",
      "30s, 2026-11-29T15:31:45Z, 2026-11-29T15:32:00Z",
      // N that does not divide the span: the sequence runs on past it, as LiteLLM's does
      "5h,  2026-11-29T22:30:00Z, 2026-11-30T01:00:00Z",
      "7h,  2026-11-29T22:00:00Z, 2026-11-30T04:00:00Z",
      "90m, 2026-12-01T10:17:42Z, 2026-12-01T11:30:00Z",
      "45s, 2026-12-01T10:17:50Z, 2026-12-01T10:18:30Z"})
  void nextResetIsTheNextCalendarBoundary(String duration, String now, String expected) {
    assertThat(BudgetPeriods.nextReset(BudgetDuration.parse(duration), Instant.parse(now)))
        .isEqualTo(Instant.parse(expected));
  }
}
