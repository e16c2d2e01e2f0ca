package io.budgetgate.budget;

import io.budgetgate.platform.Schedulers;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code reservations.sweepInterval}, on every instance: {@link ReservationService#sweep}.
 * No lease: each row changes once whichever instance's UPDATE reaches it first, and a hold stops
 * counting at its expiry whether or not a sweep has run.
 */
final class ReservationSweeper implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(ReservationSweeper.class);

  private final ReservationService reservations;
  private final Duration interval;
  private ScheduledExecutorService scheduler;

  ReservationSweeper(ReservationService reservations, Duration interval) {
    this.reservations = reservations;
    this.interval = interval;
  }

  @Override
  public void start() {
    scheduler = Schedulers.singleThread("reservation-sweeper");
    scheduler.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private void runSafely() {
    try {
      reservations.sweep();
    } catch (RuntimeException e) {
      LOG.warn("reservation sweep failed this round; next try in {} ms: {}", interval.toMillis(), e.toString());
    }
  }
}
