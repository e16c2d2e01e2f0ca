package io.budgetgate.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import java.util.Base64;

/**
 * The operator dashboard's sessions and pages.
 *
 * @param sessionSecret base64 of at least 32 random bytes signing session cookies; empty means a
 *     random secret per process (sessions then end at a restart and are not shared between
 *     instances)
 * @param sessionTtl how long a sign-in lasts (8 h)
 * @param pageSize tenants per overview page (50)
 */
public record DashboardConfig(
    @JsonProperty("sessionSecret") String sessionSecret,
    @JsonProperty("sessionTtl") Duration sessionTtl,
    @JsonProperty("pageSize") Integer pageSize) {

  static final int MIN_SECRET_BYTES = 32;

  public DashboardConfig {
    sessionSecret = sessionSecret == null ? "" : sessionSecret.strip();
    sessionTtl = sessionTtl == null ? Duration.hours(8) : sessionTtl;
    pageSize = pageSize == null ? 50 : pageSize;
    if (!sessionSecret.isEmpty() && decode(sessionSecret).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("dashboard.sessionSecret must be base64 of at least " + MIN_SECRET_BYTES
          + " bytes (e.g. `openssl rand -base64 32`)");
    }
    if (sessionTtl.toSeconds() < 60) {
      throw new IllegalArgumentException("dashboard.sessionTtl must be at least 1 minute");
    }
    if (pageSize < 10 || pageSize > 500) {
      throw new IllegalArgumentException("dashboard.pageSize must be between 10 and 500");
    }
  }

  public static DashboardConfig defaults() {
    return new DashboardConfig(null, null, null);
  }

  static byte[] decode(String secret) {
    try {
      return Base64.getDecoder().decode(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dashboard.sessionSecret is not valid base64", e);
    }
  }
}
