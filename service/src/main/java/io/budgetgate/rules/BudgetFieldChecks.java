package io.budgetgate.rules;

import io.budgetgate.platform.AmountCeiling;
import io.budgetgate.platform.errors.FieldError;
import java.math.BigDecimal;
import java.util.List;

/**
 * The rules for budget fields, shared by tenant creation and budget changes: each check adds a
 * {@link FieldError} naming the field and what is allowed.
 */
public final class BudgetFieldChecks {
  private BudgetFieldChecks() {}

  public static void maxBudget(BigDecimal value, List<FieldError> errors) {
    if (value.signum() < 0) {
      errors.add(new FieldError("max_budget", "must be 0 or more (USD)"));
    } else if (value.stripTrailingZeros().scale() > 2) {
      errors.add(new FieldError("max_budget", "must have at most 2 decimal places (USD cents)"));
    } else if (AmountCeiling.exceeded(value)) {
      errors.add(new FieldError("max_budget", "must be at most " + AmountCeiling.TEXT + " (the amount ceiling)"));
    }
  }

  /**
   * The effective budget a change would allow at its widest: max budget plus every override that
   * has not expired or been revoked (whether or not it has started) stays within the ceiling.
   */
  public static void effectiveBudget(String field, BigDecimal maxBudget, BigDecimal unexpiredOverrides,
      List<FieldError> errors) {
    BigDecimal widest = maxBudget.add(unexpiredOverrides);
    if (AmountCeiling.exceeded(widest)) {
      errors.add(new FieldError(field, "max_budget " + maxBudget.toPlainString() + " plus the overrides that have not "
          + "expired (" + unexpiredOverrides.toPlainString() + ") would be " + widest.toPlainString()
          + ", above the amount ceiling " + AmountCeiling.TEXT));
    }
  }

  /** Checks both thresholds and their order; reports the order only when each is valid alone. */
  public static void thresholds(int alert, int grace, List<FieldError> errors) {
    boolean alertOk = alert >= 1 && alert <= 100;
    boolean graceOk = grace >= 100 && grace <= 200;
    if (!alertOk) {
      errors.add(new FieldError("alert_threshold", "must be a whole percent from 1 to 100"));
    }
    if (!graceOk) {
      errors.add(new FieldError("grace_threshold", "must be a whole percent from 100 to 200"));
    }
    if (alertOk && graceOk && grace < alert) {
      errors.add(new FieldError("grace_threshold", "must be at least alert_threshold (" + alert + ")"));
    }
  }

  /** Returns the normalised duration text, or null (and an error) when it is not valid. */
  public static String budgetDuration(String value, List<FieldError> errors) {
    try {
      return BudgetDuration.parse(value).toString();
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("budget_duration", e.getMessage()));
      return null;
    }
  }
}
