package io.budgetgate.rules;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A budget period in LiteLLM's notation: a positive whole number and a unit, {@code s}, {@code m},
 * {@code h}, {@code d}, {@code w} or {@code mo} ({@code 30d}, {@code 1mo}, {@code 24h}). LiteLLM
 * supports one month at most, so {@code 2mo} and above are refused.
 *
 * @param amount how many units
 * @param unit the unit
 */
public record BudgetDuration(int amount, Unit unit) {
  private static final Pattern FORMAT = Pattern.compile("^([1-9][0-9]{0,5})(mo|s|m|h|d|w)$");

  /** LiteLLM's duration units. */
  public enum Unit {
    SECONDS("s"),
    MINUTES("m"),
    HOURS("h"),
    DAYS("d"),
    WEEKS("w"),
    MONTHS("mo");

    private final String suffix;

    Unit(String suffix) {
      this.suffix = suffix;
    }

    static Unit of(String suffix) {
      for (Unit unit : values()) {
        if (unit.suffix.equals(suffix)) {
          return unit;
        }
      }
      throw new IllegalArgumentException(suffix);
    }
  }

  public BudgetDuration {
    if (amount < 1) {
      throw new IllegalArgumentException("must be a positive number of units");
    }
    if (unit == Unit.MONTHS && amount > 1) {
      throw new IllegalArgumentException("LiteLLM supports at most 1mo; use 1mo, 30d or shorter");
    }
  }

  /**
   * Reads {@code 30d}-style text; the exception message says what is allowed.
   *
   * @throws IllegalArgumentException when the text is not a supported duration
   */
  public static BudgetDuration parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "must be a positive whole number followed by s, m, h, d, w or mo (e.g. 24h, 7d, 30d, 1mo)");
    }
    return new BudgetDuration(Integer.parseInt(m.group(1)), Unit.of(m.group(2)));
  }

  /** LiteLLM's text form, e.g. {@code 30d}. */
  @Override
  public String toString() {
    return amount + unit.suffix;
  }
}
