package io.budgetgate.testing;

import io.budgetgate.BudgetGateApplication;
import java.time.Clock;
import java.time.Instant;

/** The service with a clock the test moves: {@link #CLOCK}, shared by the simulator it talks to. */
public class ClockedApplication extends BudgetGateApplication {
  /** Where the clock starts, and where tests usually set it back to. */
  public static final Instant START = Instant.parse("2026-11-10T12:00:00Z");
  public static final TestClock CLOCK = new TestClock(START);

  @Override
  protected Clock clock() {
    return CLOCK;
  }
}
