package io.budgetgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A clock a test class moves by hand (in whole microseconds, as PostgreSQL stores time), handed to
 * its service and its simulator. Registered as an extension ({@code @RegisterExtension static
 * final TestClock CLOCK = new TestClock();}), it is back at its start before every test.
 */
public final class TestClock extends Clock implements BeforeEachCallback {
  /** Where the clock starts unless told otherwise, and where tests usually set it back to. */
  public static final Instant START = Instant.parse("2026-11-10T12:00:00Z");

  private final Instant start;
  private final AtomicReference<Instant> now;

  public TestClock() {
    this(START);
  }

  public TestClock(Instant start) {
    this.start = start.truncatedTo(ChronoUnit.MICROS);
    this.now = new AtomicReference<>(this.start);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    now.set(start);
  }

  public void set(Instant instant) {
    now.set(instant.truncatedTo(ChronoUnit.MICROS));
  }

  public void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration).truncatedTo(ChronoUnit.MICROS));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
