package io.budgetgate.testing;

import io.budgetgate.BudgetGateApplication;
import java.time.Clock;
import java.util.Objects;

/**
 * The service as tests start it: on the clock the test passes (a {@link TestClock} it moves, or
 * the system clock), keeping what {@link BudgetGateApplication#wired} hands over for tests that
 * drive a service in process. Job rounds go through the admin tasks ({@link AdminTasks}).
 */
public class TestApplication extends BudgetGateApplication {
  private final Clock clock;
  private volatile Wired wired;

  public TestApplication(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected Clock clock() {
    return clock;
  }

  @Override
  protected void wired(Wired features) {
    this.wired = features;
  }

  /** The services built by the last start. */
  public Wired features() {
    return Objects.requireNonNull(wired, "the application has not started");
  }
}
