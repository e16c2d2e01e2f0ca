package io.budgetgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.rules.ReservedAmount.Open;
import io.budgetgate.rules.ReservedAmount.Refusal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReservedAmountTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final Instant LATER = NOW.plusSeconds(60);

  static Open held(long seq, String amount, Instant until) {
    return new Open(seq, false, new BigDecimal(amount), new BigDecimal("100"), until);
  }

  static Open settled(long seq, String actual, String spendAtHold, Instant until) {
    return new Open(seq, true, new BigDecimal(actual), new BigDecimal(spendAtHold), until);
  }

  @Test
  void holdsCountUntilTheyExpire() {
    List<Open> open = List.of(held(1, "1.5", LATER), held(2, "2", NOW), held(3, "0.25", NOW.plusNanos(1_000)));
    assertThat(ReservedAmount.reserved(open, new BigDecimal("100"), NOW)).isEqualByComparingTo("1.75");
    assertThat(ReservedAmount.reserved(List.of(), new BigDecimal("100"), NOW)).isEqualByComparingTo("0");
  }

  @Test
  void aSettledAmountCountsUntilTheSpendHasCaughtUpWithItAndEverythingSettledAfterIt() {
    List<Open> open = List.of(settled(1, "1", "105", LATER), settled(2, "1", "105", LATER));
    assertThat(ReservedAmount.reserved(open, new BigDecimal("105"), NOW)).isEqualByComparingTo("2");
    assertThat(ReservedAmount.reserved(open, new BigDecimal("105.99"), NOW)).isEqualByComparingTo("2");
    assertThat(ReservedAmount.reserved(open, new BigDecimal("106"), NOW)).as("one of two recorded").isEqualByComparingTo("1");
    assertThat(ReservedAmount.reserved(open, new BigDecimal("107"), NOW)).isEqualByComparingTo("0");
    assertThat(ReservedAmount.reserved(open, new BigDecimal("500"), NOW)).isEqualByComparingTo("0");
  }

  @Test
  void aCallHeldAfterSpendHadRisenIsNotTakenAsRecordedByTheRise() {
    // A held at 105, B held at 110 (other spend recorded in between); LiteLLM has recorded A, not B
    List<Open> open = List.of(settled(1, "1", "105", LATER), settled(2, "1", "110", LATER));
    assertThat(ReservedAmount.reserved(open, new BigDecimal("110"), NOW)).isEqualByComparingTo("1");
    assertThat(ReservedAmount.reserved(open, new BigDecimal("111"), NOW)).isEqualByComparingTo("0");
  }

  @Test
  void aSettledAmountStopsCountingAtItsSettleLag() {
    assertThat(ReservedAmount.reserved(List.of(settled(1, "3", "0", NOW)), BigDecimal.ZERO, NOW)).isEqualByComparingTo("0");
    assertThat(ReservedAmount.reserved(List.of(settled(1, "3", "0", LATER)), null, NOW)).as("unknown spend: as 0")
        .isEqualByComparingTo("3");
  }

  @Test
  void heldAmountsDoNotMoveTheSettledOnesThreshold() {
    List<Open> open = List.of(settled(1, "1", "105", LATER), held(2, "4", LATER));
    assertThat(ReservedAmount.reserved(open, new BigDecimal("106"), NOW)).isEqualByComparingTo("4");
  }

  @Test
  void judgeNamesWhatStandsInTheWay() {
    BigDecimal blockAt = new BigDecimal("110.00");
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("110"), BigDecimal.ZERO, null)).contains(Refusal.BLOCKED);
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("109.99"), BigDecimal.ZERO, null)).isEmpty();
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("105"), new BigDecimal("5"), null))
        .contains(Refusal.INSUFFICIENT_HEADROOM);
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("105"), new BigDecimal("4.99"), null)).isEmpty();
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("105"), new BigDecimal("4"), new BigDecimal("1"))).isEmpty();
    assertThat(ReservedAmount.judge(blockAt, new BigDecimal("105"), new BigDecimal("4"), new BigDecimal("1.000001")))
        .contains(Refusal.INSUFFICIENT_HEADROOM);
    assertThat(ReservedAmount.judge(BigDecimal.ZERO.setScale(2), BigDecimal.ZERO, BigDecimal.ZERO, null))
        .as("a zero budget blocks at zero spend").contains(Refusal.BLOCKED);
    assertThat(Refusal.BLOCKED.wireName()).isEqualTo("blocked");
    assertThat(Refusal.INSUFFICIENT_HEADROOM.wireName()).isEqualTo("insufficient_headroom");
    assertThat(ReservedAmount.judge(blockAt, null, new BigDecimal("110"), null)).contains(Refusal.INSUFFICIENT_HEADROOM);
    assertThat(ReservedAmount.judge(blockAt, null, BigDecimal.ZERO, new BigDecimal("110"))).isEmpty();
  }

  @Test
  void headroomIsNeverBelowZeroAndUnknownWithoutASpend() {
    BigDecimal blockAt = new BigDecimal("110.00");
    assertThat(ReservedAmount.headroom(blockAt, new BigDecimal("105"), new BigDecimal("2"))).isEqualByComparingTo("3");
    assertThat(ReservedAmount.headroom(blockAt, new BigDecimal("105"), new BigDecimal("9"))).isEqualByComparingTo("0");
    assertThat(ReservedAmount.headroom(blockAt, null, BigDecimal.ONE)).isNull();
  }
}
