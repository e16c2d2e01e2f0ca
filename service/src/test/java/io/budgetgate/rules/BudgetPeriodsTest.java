package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
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

  /**
   * The edges: a leap day (2028-02-29 is a Tuesday), the exact instant of a boundary (the next
   * reset is strictly after it, never the boundary itself), the last nanosecond before one, and
   * the year's end.
   */
  @ParameterizedTest(name = "{0} at {1} -> {2}")
  @CsvSource({
      "1d,  2028-02-28T23:00:00Z, 2028-02-29T00:00:00Z",
      "1d,  2028-02-29T00:00:00Z, 2028-03-01T00:00:00Z",
      "1mo, 2028-02-29T12:00:00Z, 2028-03-01T00:00:00Z",
      "1mo, 2028-01-31T12:00:00Z, 2028-02-01T00:00:00Z",
      "30d, 2028-02-29T23:59:59Z, 2028-03-01T00:00:00Z",
      "7d,  2028-02-29T12:00:00Z, 2028-03-06T00:00:00Z",
      "3d,  2028-02-28T06:00:00Z, 2028-03-02T00:00:00Z",
      "1mo, 2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z",
      "1mo, 2026-11-30T23:59:59.999999999Z, 2026-12-01T00:00:00Z",
      "1h,  2026-12-01T10:00:00Z, 2026-12-01T11:00:00Z",
      "1h,  2026-12-01T10:59:59.999999999Z, 2026-12-01T11:00:00Z",
      "15m, 2026-12-01T10:45:00Z, 2026-12-01T11:00:00Z",
      "30s, 2026-12-31T23:59:30Z, 2027-01-01T00:00:00Z",
      "1w,  2026-12-28T00:00:00Z, 2027-01-04T00:00:00Z"})
  void theEdgesOfTheCalendar(String duration, String now, String expected) {
    nextResetIsTheNextCalendarBoundary(duration, now, expected);
  }

  /**
   * LiteLLM's calendar is UTC: the JVM's own zone must not move a reset. Run where the local day
   * starts 14 hours early (Kiritimati) and 10 hours late (Honolulu).
   */
  @Test
  void theJvmsDefaultZoneDoesNotMoveAReset() {
    TimeZone saved = TimeZone.getDefault();
    try {
      for (String zone : new String[] {"Pacific/Kiritimati", "Pacific/Honolulu", "Asia/Kathmandu"}) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        assertThat(BudgetPeriods.nextReset(BudgetDuration.parse("1d"), Instant.parse("2026-11-29T15:30:00Z"))).as(zone)
            .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(BudgetPeriods.nextReset(BudgetDuration.parse("1mo"), Instant.parse("2026-11-30T20:00:00Z"))).as(zone)
            .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(BudgetPeriods.nextReset(BudgetDuration.parse("7d"), Instant.parse("2026-11-29T23:00:00Z"))).as(zone)
            .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
      }
    } finally {
      TimeZone.setDefault(saved);
    }
  }

  @Test
  void aPeriodStartsAtTheLastResetOrElseAtTheTenantsCreation() {
    Instant created = Instant.parse("2026-11-01T09:00:00Z");
    Instant reset = Instant.parse("2026-11-20T00:00:00Z");

    assertThat(BudgetPeriods.periodStart(null, created)).isEqualTo(created);
    assertThat(BudgetPeriods.periodStart(reset, created)).isEqualTo(reset);
  }
}
