package io.budgetgate.platform.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a token may do: viewer reads, platform also asks for budget status and LLM access, admin
 * does everything. Each role includes the ones below it.
 */
public enum Role {
  VIEWER,
  PLATFORM,
  ADMIN;

  /** Whether a caller with this role may call an endpoint that requires {@code required}. */
  public boolean includes(Role required) {
    return ordinal() >= required.ordinal();
  }

  @JsonCreator
  static Role parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
