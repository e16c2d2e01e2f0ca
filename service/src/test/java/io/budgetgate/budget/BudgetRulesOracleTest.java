package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.rules.BudgetState;
import io.budgetgate.rules.OverrideWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole decision ({@link BudgetSnapshot#status}) over random budgets, thresholds, overrides
 * and spends, against an oracle that shares none of its arithmetic: whole numbers only, budgets
 * and overrides in cents, spend in micro-dollars (LiteLLM reports fractions of a cent), override
 * windows in epoch seconds. A threshold of {@code p} percent of a budget of {@code c} cents is
 * reached at exactly {@code p * c * 100} micro-dollars. Seeded: a failure names its case and
 * reproduces.
 */
class BudgetRulesOracleTest {
  private static final long SEED = 20261201L;
  private static final int CASES = 30_000;
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final long NOW_S = NOW.getEpochSecond();

  /** What the oracle says about one case. */
  private record Expected(long effectiveCents, BudgetState state, Long percentHundredths, long remainingMicros) {}

  @Test
  void theDecisionAgreesWithAnIntegerOracle() {
    Random random = new Random(SEED);
    Set<BudgetState> seen = EnumSet.noneOf(BudgetState.class);
    for (int i = 0; i < CASES; i++) {
      long budgetCents = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(100_000_000);
      int alert = 1 + random.nextInt(100);
      int grace = 100 + random.nextInt(101);
      List<long[]> windows = new ArrayList<>(); // {amount cents, starts s, expires s}
      for (int o = random.nextInt(4); o > 0; o--) {
        long starts = NOW_S + random.nextInt(7201) - 3600;
        windows.add(new long[] {1 + random.nextInt(10_000_000), starts, starts + 1 + random.nextInt(3600)});
      }
      long effectiveCents = budgetCents;
      for (long[] w : windows) {
        effectiveCents += w[1] <= NOW_S && NOW_S < w[2] ? w[0] : 0;
      }
      long spendMicros = spendNear(random, effectiveCents, alert, grace);
      Expected expected = oracle(effectiveCents, alert, grace, spendMicros);

      List<OverrideWindow> overrides = windows.stream().map(w -> new OverrideWindow(BigDecimal.valueOf(w[0], 2),
          Instant.ofEpochSecond(w[1]), Instant.ofEpochSecond(w[2]))).toList();
      BudgetSnapshot snapshot = new BudgetSnapshot("t", BigDecimal.valueOf(budgetCents, 2), alert, grace, "30d",
          NOW.plusSeconds(86_400), overrides, BigDecimal.valueOf(spendMicros, 6), NOW, null);
      BudgetStanding status = snapshot.status(NOW, SpendSource.LIVE);
      String what = String.format("seed %d case %d: budget %d c, alert %d, grace %d, windows %s, spend %d micro$", SEED, i,
          budgetCents, alert, grace, windows.stream().map(w -> w[0] + "c@" + (w[1] - NOW_S) + ".." + (w[2] - NOW_S)).toList(),
          spendMicros);

      assertThat(status.effectiveBudget().movePointRight(2)).as(what).isEqualByComparingTo(BigDecimal.valueOf(expected.effectiveCents()));
      assertThat(status.state()).as(what).isEqualTo(expected.state());
      assertThat(status.allowed()).as(what).isEqualTo(expected.state() != BudgetState.BLOCKED);
      if (expected.percentHundredths() == null) {
        assertThat(status.percentUsed()).as(what).isNull();
      } else {
        assertThat(status.percentUsed().movePointRight(2)).as(what).isEqualByComparingTo(BigDecimal.valueOf(expected.percentHundredths()));
      }
      assertThat(status.remaining().movePointRight(6)).as(what).isEqualByComparingTo(BigDecimal.valueOf(expected.remainingMicros()));
      // alert_at and block_at, exactly: p percent of c cents is p * c / 10,000 dollars
      assertThat(status.alertAt().movePointRight(4)).as(what).isEqualByComparingTo(BigDecimal.valueOf(alert * effectiveCents));
      assertThat(status.blockAt().movePointRight(4)).as(what).isEqualByComparingTo(BigDecimal.valueOf(grace * effectiveCents));
      seen.add(expected.state());
    }
    assertThat(seen).as("the cases reach every state, so a constant answer cannot pass").containsExactlyInAnyOrder(
        BudgetState.OK, BudgetState.WARNING, BudgetState.CRITICAL, BudgetState.BLOCKED);
  }

  /**
   * The state is the highest level whose threshold the spend has reached; percent used is rounded
   * down to hundredths; nothing is left once the effective budget is spent.
   */
  private static Expected oracle(long effectiveCents, int alert, int grace, long spendMicros) {
    BudgetState state = BudgetState.OK;
    long[][] thresholds = {{alert, BudgetState.WARNING.ordinal()}, {100, BudgetState.CRITICAL.ordinal()},
        {grace, BudgetState.BLOCKED.ordinal()}};
    for (long[] t : thresholds) {
      if (spendMicros >= t[0] * effectiveCents * 100 && t[1] > state.ordinal()) {
        state = BudgetState.values()[(int) t[1]];
      }
    }
    long effectiveMicros = effectiveCents * 10_000;
    Long percent = effectiveCents == 0 ? null : Math.floorDiv(spendMicros * 10_000, effectiveMicros);
    return new Expected(effectiveCents, state, percent, Math.max(0, effectiveMicros - spendMicros));
  }

  /** Often exactly at a threshold, a micro-dollar either side of one, or anywhere up to 2.5 budgets. */
  private static long spendNear(Random random, long effectiveCents, int alert, int grace) {
    int[] percents = {alert, 100, grace};
    long at = percents[random.nextInt(3)] * effectiveCents * 100;
    return switch (random.nextInt(4)) {
      case 0 -> at;
      case 1 -> Math.max(0, at - 1);
      case 2 -> at + 1;
      default -> (long) (random.nextDouble() * (effectiveCents * 10_000 * 5 / 2 + 1));
    };
  }
}
