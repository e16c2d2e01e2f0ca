package io.budgetgate.budget;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import java.util.Locale;

/**
 * How budget decisions are cached and what happens when LiteLLM cannot say the spend.
 *
 * @param cacheTtl how long a budget snapshot is served from the cache (default 60 s)
 * @param staleLimit how old a last-known spend may be to answer with {@code source: "stale"} (10 min)
 * @param failMode with no spend at all: {@code open} allows (degraded), {@code closed} answers 503
 * @param jobInterval how often the period-reset and key-sync job runs (30 s)
 * @param degradedTtl how long this instance reuses a degraded (stale or unavailable) answer for a
 *     tenant before asking LiteLLM again (5 s), so a burst of checks does not probe LiteLLM once each
 * @param syncWait how long a budget change, after it committed, waits for the LiteLLM key to take
 *     the new max_budget before answering with {@code litellm_sync: "pending"} (1 s; the key sync
 *     of the job above goes on retrying)
 * @param syncAlarmAfter how long a key may stay pending before the {@code litellm-sync} health
 *     check fails (5 min)
 * @param hotPath answer a cached {@code GET .../budget} and a body-less {@code POST .../llm-access}
 *     without Jersey ({@link BudgetHotPath}; default true): the same answers, about twice as many a
 *     second; false sends every request through Jersey
 */
public record BudgetConfig(
    @JsonProperty("cacheTtl") Duration cacheTtl,
    @JsonProperty("staleLimit") Duration staleLimit,
    @JsonProperty("failMode") FailMode failMode,
    @JsonProperty("jobInterval") Duration jobInterval,
    @JsonProperty("degradedTtl") Duration degradedTtl,
    @JsonProperty("syncWait") Duration syncWait,
    @JsonProperty("syncAlarmAfter") Duration syncAlarmAfter,
    @JsonProperty("hotPath") Boolean hotPath) {

  public BudgetConfig {
    degradedTtl = degradedTtl == null ? Duration.seconds(5) : degradedTtl;
    cacheTtl = cacheTtl == null ? Duration.seconds(60) : cacheTtl;
    staleLimit = staleLimit == null ? Duration.minutes(10) : staleLimit;
    failMode = failMode == null ? FailMode.OPEN : failMode;
    jobInterval = jobInterval == null ? Duration.seconds(30) : jobInterval;
    syncWait = syncWait == null ? Duration.seconds(1) : syncWait;
    syncAlarmAfter = syncAlarmAfter == null ? Duration.minutes(5) : syncAlarmAfter;
    hotPath = hotPath == null ? Boolean.TRUE : hotPath;
  }

  public static BudgetConfig defaults() {
    return new BudgetConfig(null, null, null, null, null, null, null, null);
  }

  /** What to answer when no spend is known. */
  public enum FailMode {
    OPEN,
    CLOSED;

    @JsonCreator
    static FailMode parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }
}
