package io.budgetgate.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The burn-rate forecast (docs/budget-rules.md, "Forecast"): the average rate at which the current
 * period's spend grew over the last {@link #WINDOW}, and when that rate reaches block_at or what it
 * adds up to by the period's reset. Pure, exact decimals; the clock is a parameter.
 */
public final class SpendForecast {
  /** Only samples this recent count, so last week's pace does not hide today's. */
  public static final Duration WINDOW = Duration.ofHours(24);
  /** Samples spanning less than this give no rate: a burst in the first minutes is not a pace. */
  public static final Duration MIN_SPAN = Duration.ofMinutes(15);
  /** A projected block further away than this is no forecast (a near-zero rate), so it is null. */
  public static final Duration MAX_HORIZON = Duration.ofDays(366);

  private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);
  private static final int RATE_SCALE = 6;

  private SpendForecast() {}

  /**
   * USD per hour: (last spend − first spend) / elapsed time, over the samples taken since the
   * period start and within {@link #WINDOW} before {@code now}, counting only those after the last
   * drop in spend (a drop means LiteLLM reset the period). Null with fewer than two such samples or
   * when they span less than {@link #MIN_SPAN}; never negative (spend within a period only grows).
   *
   * @param periodStart start of the current period; null when unknown (then only the window counts)
   */
  public static BigDecimal burnRatePerHour(List<SpendSample> samples, Instant periodStart, Instant now) {
    Instant from = earliestUsable(periodStart, now);
    List<SpendSample> usable = samples.stream()
        .filter(s -> !s.sampledAt().isBefore(from) && !s.sampledAt().isAfter(now))
        .sorted(Comparator.comparing(SpendSample::sampledAt))
        .toList();
    int periodBegins = 0;
    for (int i = 1; i < usable.size(); i++) {
      if (usable.get(i).spend().compareTo(usable.get(i - 1).spend()) < 0) {
        periodBegins = i;
      }
    }
    List<SpendSample> current = usable.subList(periodBegins, usable.size());
    if (current.size() < 2) {
      return null;
    }
    SpendSample first = current.get(0);
    SpendSample last = current.get(current.size() - 1);
    long millis = Duration.between(first.sampledAt(), last.sampledAt()).toMillis();
    if (millis < MIN_SPAN.toMillis()) {
      return null;
    }
    return last.spend().subtract(first.spend()).multiply(MILLIS_PER_HOUR)
        .divide(BigDecimal.valueOf(millis), RATE_SCALE, RoundingMode.HALF_UP);
  }

  /** The oldest sample time the rate looks at: the later of the period start and {@code now − WINDOW}. */
  public static Instant earliestUsable(Instant periodStart, Instant now) {
    Instant windowStart = now.minus(WINDOW);
    return periodStart != null && periodStart.isAfter(windowStart) ? periodStart : windowStart;
  }

  /**
   * When spend reaches {@code blockAt} at this rate, rounded up to the second. {@code now} when it
   * already has (the tenant is blocked). Null when spend or rate is unknown, the rate is zero, the
   * moment falls at or after {@code resetAt} (the reset comes first), or beyond {@link #MAX_HORIZON}.
   */
  public static Instant projectedBlockAt(BigDecimal spend, BigDecimal blockAt, BigDecimal ratePerHour, Instant now,
      Instant resetAt) {
    if (spend == null) {
      return null;
    }
    if (spend.compareTo(blockAt) >= 0) {
      return now;
    }
    if (ratePerHour == null || ratePerHour.signum() <= 0) {
      return null;
    }
    BigDecimal millis = blockAt.subtract(spend).multiply(MILLIS_PER_HOUR).divide(ratePerHour, 0, RoundingMode.CEILING);
    if (millis.compareTo(BigDecimal.valueOf(MAX_HORIZON.toMillis())) > 0) {
      return null;
    }
    Instant at = now.plusMillis(millis.longValueExact());
    at = at.getNano() == 0 ? at : Instant.ofEpochSecond(at.getEpochSecond() + 1); // whole seconds, never early
    return resetAt != null && !at.isBefore(resetAt) ? null : at;
  }

  /**
   * Spend by {@code resetAt} if it keeps growing at this rate, in cents (half up): it does not
   * stop at block_at, so it shows how far over the pace would go. Null without a reset date or
   * without a rate; the spend itself when the reset is already due.
   */
  public static BigDecimal projectedPeriodSpend(BigDecimal spend, BigDecimal ratePerHour, Instant now, Instant resetAt) {
    if (spend == null || ratePerHour == null || resetAt == null) {
      return null;
    }
    long millis = Math.max(0, Duration.between(now, resetAt).toMillis());
    BigDecimal growth = ratePerHour.multiply(BigDecimal.valueOf(millis)).divide(MILLIS_PER_HOUR, 6, RoundingMode.HALF_UP);
    return spend.add(growth).setScale(2, RoundingMode.HALF_UP);
  }
}
