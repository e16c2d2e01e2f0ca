package io.budgetgate.dashboard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the dashboard writes money and times: dollars to the cent (reserved amounts exactly), UTC to the minute. */
final class Display {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private Display() {}

  static String money(BigDecimal amount) {
    if (amount == null) {
      return "—";
    }
    return "$" + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  /** An amount to the cent, or exactly when it has more digits (a reservation of $0.0042 is not $0.00). */
  static String amount(BigDecimal amount) {
    if (amount == null) {
      return "—";
    }
    BigDecimal plain = amount.stripTrailingZeros();
    return "$" + (plain.scale() <= 2 ? plain.setScale(2) : plain).toPlainString();
  }

  static String time(Instant instant) {
    return instant == null ? "—" : MINUTES.format(instant);
  }
}
