package io.budgetgate.harness;

import java.time.Duration;
import java.time.Instant;

/** Prints what a scenario did and when, so a CI log reads like an ops person's notes. */
final class Timeline {
  private final String scenario;
  private final Instant start = Instant.now();

  Timeline(String scenario) {
    this.scenario = scenario;
    System.out.println("== " + scenario);
  }

  void step(String what) {
    long ms = Duration.between(start, Instant.now()).toMillis();
    System.out.printf("   +%6.2fs  %s%n", ms / 1000.0, what);
  }

  void done() {
    step("done: " + scenario);
  }
}
