package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpendChartTest {
  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-11-11T00:00:00Z");

  @Test
  void pointsRunFromThePeriodStartToNowAndFromZeroToJustAboveTheGraceLimit() {
    SpendChart chart = SpendChart.of(List.of(point(FROM, "0"), point(Instant.parse("2026-11-06T00:00:00Z"), "55"),
        point(TO, "105")), FROM, TO, UsageBarTest.status("critical", "105", 80, 110));

    // plot: x 64..704, y 12..212; ceiling 110 * 1.05 = 115.5
    assertThat(chart.points()).isEqualTo("64.0,212.0 384.0,116.8 704.0,30.2");
    assertThat(chart.samples()).isEqualTo(3);
    assertThat(chart.top()).isEqualTo("$115.50");
  }

  @Test
  void rulesMarkTheAlertThresholdTheBudgetAndTheGraceLimit() {
    SpendChart chart = SpendChart.of(List.of(point(FROM, "10")), FROM, TO, UsageBarTest.status("ok", "10", 80, 110));

    assertThat(chart.rules()).extracting(SpendChart.Rule::label)
        .containsExactly("alert $80.00", "budget $100.00", "blocked $110.00");
    assertThat(chart.rules()).extracting(SpendChart.Rule::y).containsExactly("73.5", "38.8", "21.5");
  }

  @Test
  void spendAboveTheGraceLimitRaisesTheCeilingSoTheLineStaysInside() {
    SpendChart chart = SpendChart.of(List.of(point(TO, "200")), FROM, TO, UsageBarTest.status("blocked", "200", 80, 110));

    assertThat(chart.points()).isEqualTo("704.0,21.5");
    assertThat(chart.top()).isEqualTo("$210.00");
  }

  @Test
  void noSamplesMeansAnEmptyChart() {
    assertThat(SpendChart.of(List.of(), FROM, TO, UsageBarTest.status("ok", "1", 80, 110)).isEmpty()).isTrue();
  }

  static SpendChart.Point point(Instant at, String spend) {
    return new SpendChart.Point(at, new BigDecimal(spend));
  }
}
