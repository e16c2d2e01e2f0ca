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
  public static Optional<AlertLevel> of(String state) {
    return switch (state) {
      case "warning" -> Optional.of(WARNING);
      case "critical" -> Optional.of(CRITICAL);
      case "blocked" -> Optional.of(BLOCKED);
      default -> Optional.empty();
    };
  }

  public static Optional<AlertLevel> of(BudgetState state) {
    return of(state.wireName());
  }

  public static AlertLevel parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
