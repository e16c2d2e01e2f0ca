package io.budgetgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand (in whole microseconds, as PostgreSQL stores time). */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start.truncatedTo(ChronoUnit.MICROS));
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
