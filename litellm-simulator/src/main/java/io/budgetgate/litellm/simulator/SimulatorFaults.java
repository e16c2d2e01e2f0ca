package io.budgetgate.litellm.simulator;

import java.time.Duration;

/**
 * The failure the LiteLLM simulator is told to show on its next calls: an error status, a slow
 * answer, or a dropped connection, for a number of calls or until healed.
 */
final class SimulatorFaults {

  enum Kind {
    STATUS,
    DELAY,
    DROP
  }

  /** One planned fault; {@code remaining < 0} means until healed. */
  record Fault(Kind kind, int status, String body, Duration delay, int remaining) {}

  private Fault current;

  synchronized void set(Fault fault) {
    current = fault.remaining() == 0 ? null : fault;
  }

  synchronized void heal() {
    current = null;
  }

  /** The fault to apply to this call, if any, counting it off. */
  synchronized Fault take() {
    Fault fault = current;
    if (fault == null) {
      return null;
    }
    if (fault.remaining() > 0) {
      int left = fault.remaining() - 1;
      current = left == 0 ? null : new Fault(fault.kind(), fault.status(), fault.body(), fault.delay(), left);
    }
    return fault;
  }
}
