package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BudgetLimitsTest {

  @Test
  void defaultsGiveAlertAtEightyAndBlockAtOneHundredTenPercent() {
    BudgetLimits limits = new BudgetLimits(new BigDecimal("500.00"), 80, 110);

    assertThat(limits.alertAt()).isEqualTo(new BigDecimal("400.00"));
    assertThat(limits.blockAt()).isEqualTo(new BigDecimal("550.00"));
  }

  @Test
  void amountsAreExactWithoutRounding() {
    BudgetLimits limits = new BudgetLimits(new BigDecimal("123.45"), 33, 105);

    assertThat(limits.alertAt()).isEqualTo(new BigDecimal("40.7385"));
    assertThat(limits.blockAt()).isEqualTo(new BigDecimal("129.6225"));
  }

  @Test
  void aZeroBudgetBlocksAtZero() {
    assertThat(new BudgetLimits(BigDecimal.ZERO, 80, 110).blockAt()).isEqualTo(new BigDecimal("0.00"));
  }
}
