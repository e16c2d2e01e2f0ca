package io.budgetgate.rules;

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
 * the next multiple of N counted from the start of the day/hour/minute, strictly after now. Where
 * N does not divide the span the sequence runs on past it, as LiteLLM's does: {@code 5h} at 22:30
 * resets at 01:00, {@code 90m} at 10:17 at 11:30 (it was cut at the span's end until the
 * simulator, with a calendar of its own, disagreed).
 */
public final class BudgetPeriods {
  private BudgetPeriods() {}

  /**
   * When a tenant's current period began: its last reset, or (never reset) its creation. The
   * same rule in SQL is {@code COALESCE(litellm_key_last_reset, created_at)}.
   */
  public static Instant periodStart(Instant lastReset, Instant createdAt) {
    return lastReset != null ? lastReset : createdAt;
  }

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
      case HOURS -> hours(t, n);
      case MINUTES -> aligned(t.truncatedTo(ChronoUnit.HOURS), t.getMinute(), n, ChronoUnit.MINUTES);
      case SECONDS -> aligned(t.truncatedTo(ChronoUnit.MINUTES), t.getSecond(), n, ChronoUnit.SECONDS);
    };
    return next.toInstant(ZoneOffset.UTC);
  }

  /** The next multiple of {@code step} after {@code current}, counted from {@code start}. */
  private static LocalDateTime aligned(LocalDateTime start, int current, int step, ChronoUnit unit) {
    return start.plus((long) (current / step + 1) * step, unit);
  }

  /** Hours wrap differently: a multiple at or past 24 becomes that hour modulo 24 of the next day. */
  private static LocalDateTime hours(LocalDateTime t, int step) {
    int next = (t.getHour() / step + 1) * step;
    LocalDateTime midnight = t.truncatedTo(ChronoUnit.DAYS);
    return next < 24 ? midnight.plusHours(next) : midnight.plusDays(1).plusHours(next % 24);
  }

  private static LocalDateTime nextMonday(LocalDate today) {
    return today.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay();
  }

  private static LocalDateTime firstOfNextMonth(LocalDate today) {
    return today.with(TemporalAdjusters.firstDayOfNextMonth()).atStartOfDay();
  }
}
