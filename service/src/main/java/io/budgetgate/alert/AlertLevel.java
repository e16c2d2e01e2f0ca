package io.budgetgate.alert;

import io.budgetgate.rules.BudgetState;
import java.util.Locale;
import java.util.Optional;

/** How serious an alert is (DESIGN §8): warning (alert threshold), critical (100 %), blocked (grace limit). */
public enum AlertLevel {
  WARNING,
  CRITICAL,
  BLOCKED;

  /** The level a budget state raises, if any (ok and unknown raise none). */
  public static Optional<AlertLevel> of(BudgetState state) {
    return switch (state) {
      case WARNING -> Optional.of(WARNING);
      case CRITICAL -> Optional.of(CRITICAL);
      case BLOCKED -> Optional.of(BLOCKED);
      case OK, UNKNOWN -> Optional.empty();
    };
  }

  public static AlertLevel parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
