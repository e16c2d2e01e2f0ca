package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.budget.BudgetPeriodStore.Period;
import io.budgetgate.litellm.VirtualKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a reset may go on: only while nobody started another period since it read this one. */
class BudgetPeriodStoreTest {
  static final Instant ENDS = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant LAST = Instant.parse("2026-11-01T00:00:00Z");
  static final Period SEEN = new Period("t", "30d", ENDS, LAST, new VirtualKey("sk-test"));

  @Test
  void theSamePeriodIsTheSameEndTheSameLastResetAndTheSameDuration() {
    assertThat(SEEN.samePeriod(new Period("t", "30d", ENDS, LAST, new VirtualKey("sk-other")))).isTrue();
    assertThat(SEEN.samePeriod(new Period("t", "30d", ENDS.plusSeconds(1), LAST, SEEN.key()))).as("another end").isFalse();
    assertThat(SEEN.samePeriod(new Period("t", "30d", ENDS, LAST.plusSeconds(1), SEEN.key()))).as("reset meanwhile").isFalse();
    assertThat(SEEN.samePeriod(new Period("t", "7d", ENDS, LAST, SEEN.key()))).as("another duration").isFalse();
  }
}
