package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.BudgetState;
import io.budgetgate.rules.OverrideWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN §1's rules at every boundary, in exact decimals. */
class BudgetPolicyTest {
  private static final BigDecimal BUDGET = new BigDecimal("100.00");
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @ParameterizedTest(name = "{0} of 100.00 at 80/110 -> {1}")
  @CsvSource({
      "0, ok", "79.99, ok", "79.9999, ok", "80.00, warning", "99.99, warning", "100.00, critical",
      "109.99, critical", "109.9999, critical", "110.00, blocked", "250, blocked"})
  void defaultThresholdBoundaries(String spend, String state) {
    assertThat(BudgetPolicy.state(new BigDecimal(spend), BUDGET, 80, 110).wireName()).isEqualTo(state);
  }

  @ParameterizedTest(name = "{0} of 100.00 at 50/120 -> {1}")
  @CsvSource({"49.99, ok", "50.00, warning", "100.00, critical", "119.99, critical", "120.00, blocked"})
  void aTenantsOwnThresholdsApply(String spend, String state) {
    assertThat(BudgetPolicy.state(new BigDecimal(spend), BUDGET, 50, 120).wireName()).isEqualTo(state);
  }

  @Test
  void criticalIsStillAllowedAndOnlyBlockedIsNot() {
    BudgetSnapshot grace = snapshot("105.00", List.of());
    BudgetSnapshot blocked = snapshot("110.00", List.of());

    assertThat(grace.status(NOW, SpendSource.LIVE).allowed()).isTrue();
    assertThat(grace.status(NOW, SpendSource.LIVE).state()).isEqualTo(BudgetState.CRITICAL);
    assertThat(blocked.status(NOW, SpendSource.LIVE).allowed()).isFalse();
  }

  @Test
  void aZeroBudgetIsBlockedEvenAtZeroSpend() {
    assertThat(BudgetPolicy.state(BigDecimal.ZERO, BigDecimal.ZERO, 80, 110)).isEqualTo(BudgetState.BLOCKED);
    assertThat(BudgetPolicy.percentUsed(BigDecimal.ZERO, BigDecimal.ZERO)).isNull();
  }

  @Test
  void unknownSpendOnAZeroBudgetIsStillBlocked() {
    BudgetSnapshot zero = new BudgetSnapshot("t", new BigDecimal("0.00"), 80, 110, null, null, List.of(), null, null, null);

    assertThat(zero.status(NOW, SpendSource.UNAVAILABLE).allowed()).isFalse();
  }

  @Test
  void negativeSpendCountsAsZero() {
    assertThat(BudgetPolicy.sanitiseSpend(new BigDecimal("-3.50"))).isEqualByComparingTo("0");
    assertThat(BudgetPolicy.sanitiseSpend(null)).isEqualByComparingTo("0");
    assertThat(BudgetPolicy.sanitiseSpend(new BigDecimal("3.50"))).isEqualByComparingTo("3.50");
  }

  @Test
  void percentUsedRoundsDownSoItNeverShowsAThresholdNotReached() {
    assertThat(BudgetPolicy.percentUsed(new BigDecimal("79.999"), BUDGET)).isEqualByComparingTo("79.99");
    assertThat(BudgetPolicy.percentUsed(new BigDecimal("1"), new BigDecimal("3"))).isEqualByComparingTo("33.33");
    assertThat(BudgetPolicy.remaining(new BigDecimal("120"), BUDGET)).isEqualByComparingTo("0");
  }

  @Test
  void effectiveBudgetCountsOnlyOverridesActiveNow() {
    List<OverrideWindow> overrides = List.of(
        window("10", NOW.minusSeconds(60), NOW.plusSeconds(60)),     // active
        window("20", NOW.minusSeconds(120), NOW),                    // expired exactly now
        window("40", NOW, NOW.plusSeconds(60)),                      // starts exactly now: active
        window("80", NOW.plusSeconds(1), NOW.plusSeconds(60)));      // not yet

    assertThat(BudgetPolicy.effectiveBudget(BUDGET, overrides, NOW)).isEqualByComparingTo("150.00");
    assertThat(BudgetPolicy.overrideTotal(overrides, NOW.plusSeconds(30))).isEqualByComparingTo("130");
    assertThat(BudgetPolicy.overrideTotal(overrides, NOW.plusSeconds(60))).isEqualByComparingTo("0");
  }

  @Test
  void anOverrideExpiringChangesTheAnswerWithoutAnyWrite() {
    BudgetSnapshot snapshot = snapshot("120.00", List.of(window("50", NOW.minusSeconds(60), NOW.plusSeconds(60))));

    assertThat(snapshot.status(NOW, SpendSource.CACHE).state()).isEqualTo(BudgetState.WARNING);
    assertThat(snapshot.status(NOW.plusSeconds(60), SpendSource.CACHE).state()).isEqualTo(BudgetState.BLOCKED);
  }

  @Test
  void statusCarriesEveryFigure() {
    var status = snapshot("85.00", List.of()).status(NOW, SpendSource.STALE);

    assertThat(status.percentUsed()).isEqualByComparingTo("85.00");
    assertThat(status.alertAt()).isEqualByComparingTo("80.00");
    assertThat(status.blockAt()).isEqualByComparingTo("110.00");
    assertThat(status.remaining()).isEqualByComparingTo("15.00");
    assertThat(status.source()).isEqualTo(SpendSource.STALE);
    assertThat(status.degraded()).isTrue();
    assertThat(status.checkedAt()).isEqualTo(NOW);
  }

  private static BudgetSnapshot snapshot(String spend, List<OverrideWindow> overrides) {
    return new BudgetSnapshot("t", BUDGET, 80, 110, "30d", NOW.plusSeconds(3600), overrides, new BigDecimal(spend), NOW, null);
  }

  private static OverrideWindow window(String amount, Instant from, Instant to) {
    return new OverrideWindow(new BigDecimal(amount), from, to);
  }
}
