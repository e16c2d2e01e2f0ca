package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.rules.ReservedAmount.Refusal;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The 402 messages of llm-access for each refusal, also when the spend is unknown. */
class LlmAccessMessageTest {

  static BudgetStatus status(String spend, String reserved, String headroom) {
    return new BudgetStatus("acme", spend == null ? "unknown" : "critical", false, spend == null ? null : new BigDecimal(spend),
        new BigDecimal("100.00"), BigDecimal.ZERO, new BigDecimal("100.00"), null, 80, 110, new BigDecimal("80.00"),
        new BigDecimal("110.00"), null, null, null, "live", spend == null, Instant.EPOCH, null, null, "synced",
        new BigDecimal(reserved), headroom == null ? null : new BigDecimal(headroom));
  }

  static ReservationService.Access access(Refusal refusal, String estimate) {
    return new ReservationService.Access(null, null, null, refusal, estimate == null ? null : new BigDecimal(estimate));
  }

  @Test
  void holdsFillingTheHeadroomWithoutAnEstimate() {
    assertThat(LlmAccessResource.message(status("105", "5", "0"), access(Refusal.INSUFFICIENT_HEADROOM, null)))
        .isEqualTo("tenant 'acme' has no headroom left: spend $105 and $5 held by open reservations have reached the limit"
            + " of $110.00; calls are allowed again as reservations are released or settled for less");
    assertThat(LlmAccessResource.message(status(null, "110", null), access(Refusal.INSUFFICIENT_HEADROOM, null)))
        .startsWith("tenant 'acme' has no headroom left: spend $unknown and $110 held");
  }

  @Test
  void anEstimateThatDoesNotFit() {
    assertThat(LlmAccessResource.message(status("105", "4.5", "0.5"), access(Refusal.INSUFFICIENT_HEADROOM, "0.750")))
        .isEqualTo("tenant 'acme' has $0.5 of headroom left (limit $110.00, spend $105, reserved $4.5), less than the"
            + " estimated cost of $0.75; settle or release finished calls, or ask again with a smaller estimate");
    assertThat(LlmAccessResource.message(status(null, "100", null), access(Refusal.INSUFFICIENT_HEADROOM, "20")))
        .as("spend unknown: what the holds leave of block_at")
        .startsWith("tenant 'acme' has $10.00 of headroom left (limit $110.00, spend $unknown, reserved $100)");
    assertThat(LlmAccessResource.message(status(null, "120", null), access(Refusal.INSUFFICIENT_HEADROOM, "1")))
        .startsWith("tenant 'acme' has $0 of headroom left");
  }

  @Test
  void aBlockedSpendKeepsTheOverBudgetMessage() {
    assertThat(LlmAccessResource.message(status("110", "0", "0"), access(Refusal.BLOCKED, "1")))
        .startsWith("tenant 'acme' is over budget: spend $110 has reached the limit of $110.00");
  }
}
