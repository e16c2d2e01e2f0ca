package io.budgetgate.dashboard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the dashboard writes money and times: dollars to the cent, UTC to the minute. */
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

  static String time(Instant instant) {
    return instant == null ? "—" : MINUTES.format(instant);
  }
}
