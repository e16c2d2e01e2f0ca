package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The budget rules over many random budgets, thresholds, overrides and spends. Seeded, so a
 * failure names the seed and reproduces exactly.
 */
class BudgetRulesPropertyTest {
  private static final long SEED = 20261129L;
  private static final int CASES = 20_000;
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @Test
  void stateNeverGoesDownAsSpendGoesUp() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      BigDecimal budget = money(random, 10_000);
      int alert = 1 + random.nextInt(100);
      int grace = 100 + random.nextInt(101);
      BigDecimal a = money(random, 25_000);
      BigDecimal b = a.add(money(random, 500));

      BudgetState lower = BudgetPolicy.state(a, budget, alert, grace);
      BudgetState higher = BudgetPolicy.state(b, budget, alert, grace);

      assertThat(higher.ordinal()).as("seed %d case %d: %s -> %s at budget %s, %d/%d", SEED, i, a, b, budget, alert, grace)
          .isGreaterThanOrEqualTo(lower.ordinal());
    }
  }

  @Test
  void blockedExactlyWhenPercentUsedReachesTheGraceThreshold() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < CASES; i++) {
      BigDecimal budget = money(random, 10_000);
      int grace = 100 + random.nextInt(101);
      // aim at the boundary often: spend = block_at +/- a cent, or anywhere
      BigDecimal blockAt = new BudgetLimits(budget, 80, grace).blockAt();
      BigDecimal spend = switch (random.nextInt(3)) {
        case 0 -> blockAt;
        case 1 -> blockAt.subtract(new BigDecimal("0.01")).max(BigDecimal.ZERO);
        default -> money(random, 25_000);
      };

      boolean blocked = BudgetPolicy.state(spend, budget, 80, grace) == BudgetState.BLOCKED;
      boolean atGrace = budget.signum() == 0
          || spend.multiply(BigDecimal.valueOf(100)).compareTo(budget.multiply(BigDecimal.valueOf(grace))) >= 0;

      assertThat(blocked).as("seed %d case %d: spend %s of %s at grace %d", SEED + 1, i, spend, budget, grace).isEqualTo(atGrace);
      assertThat(blocked).as("402 exactly at and above block_at").isEqualTo(budget.signum() == 0 || spend.compareTo(blockAt) >= 0);
    }
  }

  @Test
  void theEffectiveBudgetNeverCountsAnOverrideOutsideItsWindow() {
    Random random = new Random(SEED + 2);
    for (int i = 0; i < CASES; i++) {
      BigDecimal budget = money(random, 10_000);
      List<OverrideWindow> overrides = new ArrayList<>();
      BigDecimal expected = budget;
      for (int o = random.nextInt(5); o > 0; o--) {
        Instant starts = NOW.plusSeconds(random.nextInt(7200) - 3600);
        Instant expires = starts.plusSeconds(1 + random.nextInt(3600));
        BigDecimal amount = money(random, 1_000).add(new BigDecimal("0.01"));
        overrides.add(new OverrideWindow(amount, starts, expires));
        if (!NOW.isBefore(starts) && NOW.isBefore(expires)) {
          expected = expected.add(amount);
        }
      }

      assertThat(BudgetPolicy.effectiveBudget(budget, overrides, NOW)).as("seed %d case %d: %s", SEED + 2, i, overrides)
          .isEqualByComparingTo(expected);
    }
  }

  /** A random amount in [0, max) with cents. */
  private static BigDecimal money(Random random, int max) {
    return BigDecimal.valueOf(random.nextInt(max * 100), 2);
  }
}
