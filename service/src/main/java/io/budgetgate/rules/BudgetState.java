package io.budgetgate.rules;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a tenant stands against its budget (DESIGN §1), from the bottom up. {@code UNKNOWN} is
 * only used when no spend could be learnt at all and the fail mode is open.
 */
public enum BudgetState {
  OK,
  WARNING,
  CRITICAL,
  BLOCKED,
  UNKNOWN;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
