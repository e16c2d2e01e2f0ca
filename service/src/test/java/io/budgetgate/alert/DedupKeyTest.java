package io.budgetgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DedupKeyTest {

  @Test
  void namesTenantLevelAndPeriodStartInMicroseconds() {
    assertThat(DedupKey.of("acme", AlertLevel.WARNING, Instant.parse("2026-11-29T12:00:00.123456Z")))
        .isEqualTo("alert:acme:warning:1795953600123456");
  }

  @Test
  void aPeriodStartingInTheSameSecondIsStillANewKey() {
    Instant created = Instant.parse("2026-11-29T12:00:00.100000Z");
    Instant reset = Instant.parse("2026-11-29T12:00:00.900000Z");

    assertThat(DedupKey.of("acme", AlertLevel.CRITICAL, created)).isNotEqualTo(DedupKey.of("acme", AlertLevel.CRITICAL, reset));
    assertThat(DedupKey.of("acme", AlertLevel.CRITICAL, created)).isNotEqualTo(DedupKey.of("acme", AlertLevel.BLOCKED, created));
  }
}
