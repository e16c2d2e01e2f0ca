package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.SpendSource;
import io.budgetgate.rules.BudgetState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class UsageBarTest {

  @Test
  void theFillIsThePercentOfATrackEndingTwentyPointsPastGrace() {
    UsageBar bar = UsageBar.of(status("warning", "85.50", 80, 110));

    assertThat(bar.scale()).isEqualTo("130");
    assertThat(bar.fillWidth()).isEqualTo("65.77");
    assertThat(bar.percent()).isEqualTo("85.5");
    assertThat(bar.state()).isEqualTo("warning");
  }

  @Test
  void markersStandAtTheAlertThresholdHundredAndGrace() {
    UsageBar bar = UsageBar.of(status("ok", "10", 75, 120));

    assertThat(bar.alertMark()).isEqualTo("53.57");
    assertThat(bar.hundredMark()).isEqualTo("71.43");
    assertThat(bar.graceMark()).isEqualTo("85.71");
  }

  @Test
  void farOverspentTenantsFillTheTrackAndNoMore() {
    assertThat(UsageBar.of(status("blocked", "400", 80, 110)).fillWidth()).isEqualTo("100.00");
  }

  @Test
  void anUnknownSpendDrawsAnEmptyBarAndSaysSo() {
    UsageBar bar = UsageBar.of(status("unknown", null, 80, 110));

    assertThat(bar.fillWidth()).isEqualTo("0.00");
    assertThat(bar.percent()).isEmpty();
    assertThat(bar.label()).isEqualTo("no spend recorded yet");
  }

  static BudgetStanding status(String state, String percent, int alert, int grace) {
    BigDecimal p = percent == null ? null : new BigDecimal(percent);
    BigDecimal budget = new BigDecimal("100.00");
    return new BudgetStanding("acme", BudgetState.valueOf(state.toUpperCase(Locale.ROOT)), p, budget, BigDecimal.ZERO,
        budget, p, alert, grace, BigDecimal.valueOf(alert), BigDecimal.valueOf(grace), BigDecimal.ZERO, "30d", null,
        SpendSource.STALE, Instant.parse("2026-11-29T10:00:00Z"), null, null, BudgetStanding.KeySync.SYNCED);
  }
}
