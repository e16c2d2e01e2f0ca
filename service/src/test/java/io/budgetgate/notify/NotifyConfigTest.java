package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.util.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbox retry schedule. */
class NotifyConfigTest {

  @Test
  void theDefaultScheduleBacksOffThenRepeatsItsLastStep() {
    NotifyConfig config = NotifyConfig.previewsOnly();

    assertThat(config.backoffAfter(1)).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(config.backoffAfter(2)).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(config.backoffAfter(3)).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(config.backoffAfter(4)).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(config.backoffAfter(5)).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(config.backoffAfter(6)).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(config.backoffAfter(50)).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(config.maxAttempts()).isEqualTo(8);
  }

  @Test
  void aConfiguredScheduleIsUsedAsGiven() {
    NotifyConfig config = new NotifyConfig(NotifyConfig.previewsOnly().smtp(), "", null,
        List.of(Duration.seconds(1), Duration.seconds(7)), 3, null);

    assertThat(config.backoffAfter(1)).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(config.backoffAfter(2)).isEqualTo(java.time.Duration.ofSeconds(7));
    assertThat(config.backoffAfter(3)).isEqualTo(java.time.Duration.ofSeconds(7));
    assertThat(config.dispatchInterval()).isEqualTo(Duration.seconds(2));
    assertThat(config.sendTimeout()).isEqualTo(Duration.seconds(10));
  }

  @Test
  void theSmtpPasswordNeverPrints() {
    NotifyConfig.Smtp smtp = new NotifyConfig.Smtp("mail", 587, "user", "hunter2", "from@x", true);

    assertThat(smtp.toString()).doesNotContain("hunter2").contains("****");
    assertThat(smtp.configured()).isTrue();
    assertThat(NotifyConfig.previewsOnly().smtp().configured()).isFalse();
  }
}
