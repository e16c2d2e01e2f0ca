package io.budgetgate.litellm.simulator;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LiteLLM's own reset calendar ({@code get_next_standardized_reset_time} in
 * {@code litellm/litellm_core_utils/duration_parser.py}, UTC, the default {@code litellm_settings.timezone}),
 * written from its source for the simulator and checked against dates LiteLLM computes
 * (LiteLlmCalendarTest). Deliberately independent of BudgetGate's own period rules, so a mistake
 * in those shows up against this instead of being copied into it.
 */
final class LiteLlmCalendar {
  /** LiteLLM's {@code _parse_duration}: digits, then lowercase letters, matched at the start. */
  private static final Pattern DURATION = Pattern.compile("(\\d+)([a-z]+)");

  /** Raised where LiteLLM raises {@code ValueError} ({@code 2mo} and up). */
  static final class UnsupportedDuration extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedDuration(String message) {
      super(message);
    }
  }

  private LiteLlmCalendar() {}

  /** {@code budget_reset_at} for a key given this {@code budget_duration} now; null for no duration. */
  static Instant nextReset(String duration, Instant now) {
    if (duration == null) {
      return null;
    }
    String text = duration.trim();
    if (text.isEmpty() || text.toLowerCase(Locale.ROOT).equals("none") || text.toLowerCase(Locale.ROOT).equals("null")) {
      return null;
    }
    LocalDateTime at = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
    LocalDateTime midnight = at.toLocalDate().atStartOfDay();
    Matcher m = DURATION.matcher(text);
    if (!m.lookingAt()) {
      return utc(midnight.plusDays(1)); // LiteLLM falls back to the next midnight
    }
    long value;
    try {
      value = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return utc(midnight.plusDays(1));
    }
    String unit = m.group(2);
    if (value == 0 && !unit.equals("mo")) {
      return now;
    }
    return switch (unit) {
      case "d" -> days(value, at, midnight);
      case "w" -> days(value * 7, at, midnight);
      case "h" -> hours(value, at, midnight);
      case "m" -> units(value, at.truncatedTo(ChronoUnit.HOURS), at.getMinute(), ChronoUnit.MINUTES);
      case "s" -> units(value, at.truncatedTo(ChronoUnit.MINUTES), at.getSecond(), ChronoUnit.SECONDS);
      case "mo" -> {
        if (value != 1) {
          throw new UnsupportedDuration("Monthly resets currently only support 1 month intervals");
        }
        yield utc(firstOfNextMonth(at.toLocalDate()));
      }
      default -> utc(midnight.plusDays(1));
    };
  }

  private static Instant days(long n, LocalDateTime at, LocalDateTime midnight) {
    if (n == 1) {
      return utc(midnight.plusDays(1));
    }
    if (n == 7) {
      return utc(at.toLocalDate().with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay());
    }
    if (n == 30) {
      return utc(firstOfNextMonth(at.toLocalDate()));
    }
    return utc(midnight.plusDays(n));
  }

  /** The next multiple of n hours counted from midnight, strictly after this hour; past 24 it wraps into tomorrow. */
  private static Instant hours(long n, LocalDateTime at, LocalDateTime midnight) {
    long next = (at.getHour() / n + 1) * n;
    if (next >= 24) {
      return utc(midnight.plusDays(1).plusHours(next % 24));
    }
    return utc(midnight.plusHours(next));
  }

  /** The next multiple of n units counted from the start of the enclosing hour (minutes) or minute (seconds). */
  private static Instant units(long n, LocalDateTime start, int current, ChronoUnit unit) {
    return utc(start.plus((current / n + 1) * n, unit));
  }

  private static LocalDateTime firstOfNextMonth(LocalDate date) {
    return date.withDayOfMonth(1).plusMonths(1).atStartOfDay();
  }

  private static Instant utc(LocalDateTime time) {
    return time.toInstant(ZoneOffset.UTC);
  }
}
