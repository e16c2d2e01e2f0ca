package io.budgetgate.platform.db;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether to start an embedded PostgreSQL 17 for this process (local mode only).
 *
 * @param enabled start one and point {@code database.url} at it
 */
public record EmbeddedDatabaseConfig(@JsonProperty("enabled") boolean enabled) {

  public static EmbeddedDatabaseConfig disabled() {
    return new EmbeddedDatabaseConfig(false);
  }
}
