package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** The burn-rate forecast on constructed series: block_at 110.00, the period resets 2026-12-01. */
class SpendForecastTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final Instant RESET = Instant.parse("2026-12-01T00:00:00Z"); // 252 h after NOW
  private static final BigDecimal BLOCK_AT = new BigDecimal("110.00");

  @Test
  void aLinearSeriesGivesItsSlopeAndTheHourItReachesBlockAt() {
    List<SpendSample> series = hourly(24, h -> 20 + h); // 20 at NOW-24h ... 44 at NOW

    BigDecimal rate = SpendForecast.burnRatePerHour(series, null, NOW);

    assertThat(rate).isEqualByComparingTo("1");
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("44"), BLOCK_AT, rate, NOW, RESET))
        .isEqualTo(Instant.parse("2026-11-23T06:00:00Z")); // 66 h left at $1/h
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("44"), rate, NOW, RESET)).isEqualByComparingTo("296.00");
  }

  @Test
  void aFlatSeriesNeverBlocksAndEndsThePeriodWhereItIs() {
    List<SpendSample> series = hourly(24, h -> 50);

    BigDecimal rate = SpendForecast.burnRatePerHour(series, null, NOW);

    assertThat(rate).isEqualByComparingTo("0");
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("50"), BLOCK_AT, rate, NOW, RESET)).isNull();
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("50"), rate, NOW, RESET)).isEqualByComparingTo("50.00");
  }

  @Test
  void aBurstCountsOnlyForWhatItSpentAveragedOverTheWindow() {
    List<SpendSample> series = hourly(24, h -> h < 23 ? 10 : 58); // $48 in the last hour, nothing before

    BigDecimal rate = SpendForecast.burnRatePerHour(series, null, NOW);

    assertThat(rate).as("$48 over 24 h, not the burst hour's $48/h").isEqualByComparingTo("2");
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("58"), BLOCK_AT, rate, NOW, RESET))
        .isEqualTo(NOW.plus(Duration.ofHours(26)));
  }

  @Test
  void aBurstInTheFirstMinutesOfAPeriodIsNotYetAPace() {
    List<SpendSample> series = List.of(sample(NOW.minus(Duration.ofMinutes(14)), "0"), sample(NOW, "40"));

    assertThat(SpendForecast.burnRatePerHour(series, null, NOW)).isNull();
    assertThat(SpendForecast.burnRatePerHour(
        List.of(sample(NOW.minus(Duration.ofMinutes(15)), "0"), sample(NOW, "40")), null, NOW)).isEqualByComparingTo("160");
  }

  @Test
  void aFallingSeriesGivesNoForecast() {
    List<SpendSample> series = hourly(3, h -> 90 - 10 * h);

    BigDecimal rate = SpendForecast.burnRatePerHour(series, null, NOW);

    assertThat(rate).isNull();
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("60"), BLOCK_AT, rate, NOW, RESET)).isNull();
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("60"), rate, NOW, RESET)).isNull();
  }

  @Test
  void aResetInTheMiddleOfTheSeriesStartsTheRateAfterTheDrop() {
    List<SpendSample> series = hourly(24, h -> h <= 14 ? 80 + h : 2 * (h - 15)); // 94 at NOW-10h, 0 at NOW-9h, 18 at NOW

    BigDecimal rate = SpendForecast.burnRatePerHour(series, null, NOW);

    assertThat(rate).as("$18 in the 9 h since the reset").isEqualByComparingTo("2");
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("18"), BLOCK_AT, rate, NOW, RESET))
        .isEqualTo(NOW.plus(Duration.ofHours(46)));
  }

  @Test
  void samplesBeforeThePeriodStartDoNotCountEvenWithoutADrop() {
    List<SpendSample> series = hourly(24, h -> h <= 12 ? h : 12); // grew $1/h, then flat since NOW-12h

    assertThat(SpendForecast.burnRatePerHour(series, NOW.minus(Duration.ofHours(12)), NOW)).isEqualByComparingTo("0");
    assertThat(SpendForecast.burnRatePerHour(series, null, NOW)).isEqualByComparingTo("0.5");
  }

  @Test
  void samplesOlderThanTheWindowOrAfterNowAreIgnored() {
    List<SpendSample> series = new ArrayList<>(hourly(24, h -> 20 + h));
    series.add(sample(NOW.minus(Duration.ofHours(30)), "0"));
    series.add(sample(NOW.plus(Duration.ofHours(1)), "500"));

    assertThat(SpendForecast.burnRatePerHour(series, null, NOW)).isEqualByComparingTo("1");
  }

  @Test
  void aSingleSampleGivesNoForecast() {
    BigDecimal rate = SpendForecast.burnRatePerHour(List.of(sample(NOW, "30")), null, NOW);

    assertThat(rate).isNull();
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("30"), BLOCK_AT, rate, NOW, RESET)).isNull();
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("30"), rate, NOW, RESET)).isNull();
  }

  @Test
  void anAlreadyBlockedTenantIsProjectedBlockedNowWhateverTheRate() {
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("110.00"), BLOCK_AT, null, NOW, RESET)).isEqualTo(NOW);
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("130"), BLOCK_AT, BigDecimal.ZERO, NOW, RESET)).isEqualTo(NOW);
    assertThat(SpendForecast.projectedBlockAt(BigDecimal.ZERO, new BigDecimal("0.00"), null, NOW, RESET))
        .as("a zero budget is blocked at zero spend").isEqualTo(NOW);
  }

  @Test
  void aProjectionAtOrAfterTheResetIsNoBlock() {
    Instant resetSoon = NOW.plus(Duration.ofHours(24));

    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("44"), BLOCK_AT, BigDecimal.ONE, NOW, resetSoon)).isNull();
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("86"), BLOCK_AT, BigDecimal.ONE, NOW, resetSoon))
        .as("exactly at the reset: the reset comes first").isNull();
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("86.01"), BLOCK_AT, BigDecimal.ONE, NOW, resetSoon))
        .isEqualTo(Instant.parse("2026-11-21T11:59:24Z"));
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("44"), BigDecimal.ONE, NOW, resetSoon))
        .isEqualByComparingTo("68.00");
  }

  @Test
  void withoutAResetDateThereIsABlockTimeButNoPeriodSpend() {
    assertThat(SpendForecast.projectedBlockAt(new BigDecimal("44"), BLOCK_AT, BigDecimal.ONE, NOW, null))
        .isEqualTo(NOW.plus(Duration.ofHours(66)));
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("44"), BigDecimal.ONE, NOW, null)).isNull();
  }

  @Test
  void aResetAlreadyDueProjectsTheSpendAsItIs() {
    assertThat(SpendForecast.projectedPeriodSpend(new BigDecimal("44.005"), BigDecimal.TEN, NOW, NOW.minusSeconds(5)))
        .isEqualByComparingTo("44.01");
  }

  @Test
  void theBlockTimeIsRoundedUpToTheSecondNeverEarly() {
    Instant at = SpendForecast.projectedBlockAt(new BigDecimal("109"), BLOCK_AT, new BigDecimal("7"), NOW, RESET);

    assertThat(at).isEqualTo(NOW.plusSeconds(515)); // 1/7 h = 514.29 s
  }

  @Test
  void aNearZeroRateProjectsNothingRatherThanAFarFutureDate() {
    assertThat(SpendForecast.projectedBlockAt(BigDecimal.ZERO, BLOCK_AT, new BigDecimal("0.000001"), NOW, null)).isNull();
  }

  private static List<SpendSample> hourly(int hours, IntUnaryOperator spendAt) {
    List<SpendSample> out = new ArrayList<>();
    for (int h = 0; h <= hours; h++) {
      out.add(sample(NOW.minus(Duration.ofHours(hours - h)), String.valueOf(spendAt.applyAsInt(h))));
    }
    return out;
  }

  private static SpendSample sample(Instant at, String spend) {
    return new SpendSample(at, new BigDecimal(spend));
  }
}
