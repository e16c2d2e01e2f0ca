package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.testing.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
  static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void tenFailuresWithinAMinuteRefuseThatAddressUntilTheOldestIsAMinuteOld() {
    TestClock clock = new TestClock(START);
    SignInThrottle throttle = new SignInThrottle(clock, new MetricRegistry());

    for (int i = 0; i < 10; i++) {
      assertThat(throttle.retryAfterSeconds("10.0.0.1")).isZero();
      throttle.failed("10.0.0.1");
      clock.set(START.plusSeconds(i + 1));
    }

    assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("oldest failure at 0 s, now 10 s").isEqualTo(51);
    assertThat(throttle.retryAfterSeconds("10.0.0.2")).isZero();
    clock.set(START.plusSeconds(60));
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("the first failure left the window").isZero();
  }

  @Test
  void failuresOlderThanAMinuteDoNotCount() {
    TestClock clock = new TestClock(START);
    SignInThrottle throttle = new SignInThrottle(clock, new MetricRegistry());
    for (int i = 0; i < 9; i++) {
      throttle.failed("10.0.0.3");
    }
    clock.set(START.plusSeconds(61));
    throttle.failed("10.0.0.3");

    assertThat(throttle.retryAfterSeconds("10.0.0.3")).isZero();
  }
}
