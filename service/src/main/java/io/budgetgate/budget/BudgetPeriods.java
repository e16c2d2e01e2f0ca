package io.budgetgate.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * When a budget period ends, with LiteLLM's calendar semantics ({@code get_next_standardized_reset_time},
 * UTC): {@code 1d} next midnight; {@code 7d}/{@code 1w} next Monday; {@code 30d}/{@code 1mo} the
 * 1st of next month; other {@code Nd} today's midnight + N days; {@code Nh}/{@code Nm}/{@code Ns}
 * the next boundary aligned to N within the day/hour/minute.
 */
public final class BudgetPeriods {
  private BudgetPeriods() {}

  /** The first reset strictly after {@code now}. */
  public static Instant nextReset(BudgetDuration duration, Instant now) {
    LocalDateTime t = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
    LocalDate today = t.toLocalDate();
    int n = duration.amount();
    LocalDateTime next = switch (duration.unit()) {
      case MONTHS -> firstOfNextMonth(today);
      case WEEKS -> n == 1 ? nextMonday(today) : today.plusDays(7L * n).atStartOfDay();
      case DAYS -> switch (n) {
        case 1 -> today.plusDays(1).atStartOfDay();
        case 7 -> nextMonday(today);
        case 30 -> firstOfNextMonth(today);
        default -> today.plusDays(n).atStartOfDay();
      };
      case HOURS -> aligned(t.truncatedTo(ChronoUnit.DAYS), t.getHour(), n, 24, ChronoUnit.HOURS);
      case MINUTES -> aligned(t.truncatedTo(ChronoUnit.HOURS), t.getMinute(), n, 60, ChronoUnit.MINUTES);
      case SECONDS -> aligned(t.truncatedTo(ChronoUnit.MINUTES), t.getSecond(), n, 60, ChronoUnit.SECONDS);
    };
    return next.toInstant(ZoneOffset.UTC);
  }

  /** The next multiple of {@code step} after {@code current} within a unit of {@code span}; past it, the next unit's start. */
  private static LocalDateTime aligned(LocalDateTime start, int current, int step, int span, ChronoUnit unit) {
    return start.plus(Math.min((current / step + 1) * step, span), unit);
  }

  private static LocalDateTime nextMonday(LocalDate today) {
    return today.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay();
  }

  private static LocalDateTime firstOfNextMonth(LocalDate today) {
    return today.with(TemporalAdjusters.firstDayOfNextMonth()).atStartOfDay();
  }
}
