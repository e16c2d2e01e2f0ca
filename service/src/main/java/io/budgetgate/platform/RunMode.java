package io.budgetgate.platform;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * Whether the service runs on embedded defaults for a developer (local) or against real
 * infrastructure (production); local mode is the only one that migrates by itself.
 */
public enum RunMode {
  LOCAL,
  PRODUCTION;

  @JsonCreator
  static RunMode parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
