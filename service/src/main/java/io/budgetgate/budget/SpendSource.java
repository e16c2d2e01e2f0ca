package io.budgetgate.budget;

import java.util.Locale;

/** Where the spend behind a budget answer came from; also the decision path for metrics. */
public enum SpendSource {
  LIVE,
  CACHE,
  STALE,
  UNAVAILABLE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean degraded() {
    return this == STALE || this == UNAVAILABLE;
  }
}
