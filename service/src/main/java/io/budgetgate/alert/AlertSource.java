package io.budgetgate.alert;

import java.util.Locale;

/** What noticed the crossing: a LiteLLM webhook, a budget check, or the reconciler job. */
public enum AlertSource {
  WEBHOOK,
  CHECK,
  RECONCILER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
