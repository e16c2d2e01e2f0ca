package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** LiteLLM keeps max_budget as a float: which two amounts the key sync takes for the same one. */
class KeyBudgetSyncTest {
  @Test
  void amountsCloserThanHalfATenthOfACentAreTheSameAndNoneIsOnlyNone() {
    assertThat(KeyBudgetSync.sameAmount(null, null)).isTrue();
    assertThat(KeyBudgetSync.sameAmount(null, BigDecimal.ZERO)).isFalse();
    assertThat(KeyBudgetSync.sameAmount(BigDecimal.ZERO, null)).isFalse();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110"), new BigDecimal("110.0000"))).isTrue();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110"), new BigDecimal("110.00004"))).isTrue();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110.00004"), new BigDecimal("110"))).isTrue();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110"), new BigDecimal("110.00005"))).as("the edge").isFalse();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110.00005"), new BigDecimal("110"))).isFalse();
    assertThat(KeyBudgetSync.sameAmount(new BigDecimal("110"), new BigDecimal("109.99995"))).isFalse();
  }
}
