package io.budgetgate.alert;

import java.time.Instant;

/**
 * The Redis key that makes an alert notify once: {@code alert:{tenant}:{level}:{period_start}},
 * the period start in epoch microseconds (a reset in the same second as creation is still a new
 * period). Public for the perf suite, which times the dedup claim with this key and {@code
 * KeyValueCache.putIfAbsent}, as {@link AlertService} makes it.
 */
public final class DedupKey {
  private DedupKey() {}

  public static String of(String tenantId, AlertLevel level, Instant periodStart) {
    long micros = Math.addExact(Math.multiplyExact(periodStart.getEpochSecond(), 1_000_000L), periodStart.getNano() / 1_000);
    return "alert:" + tenantId + ":" + level.wireName() + ":" + micros;
  }
}
