package io.budgetgate.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.cache.KeyValueCache;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget snapshots ({@code budget:snapshot:{tenant}}, TTL {@code cacheTtl}) and each tenant's
 * last known spend ({@code budget:spend:{tenant}}, TTL {@code staleLimit}) in the shared cache.
 * The last known spend is also kept in this process, so a stale answer survives a Redis outage.
 */
final class BudgetCache {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetCache.class);

  /** A spend and when LiteLLM reported it. */
  record KnownSpend(BigDecimal spend, Instant at) {}

  private final KeyValueCache cache;
  private final ObjectMapper json;
  private final Duration ttl;
  private final Duration staleLimit;
  private final ConcurrentHashMap<String, KnownSpend> localSpend = new ConcurrentHashMap<>();

  BudgetCache(KeyValueCache cache, ObjectMapper json, Duration ttl, Duration staleLimit) {
    this.cache = cache;
    this.json = json;
    this.ttl = ttl;
    this.staleLimit = staleLimit;
  }

  Optional<BudgetSnapshot> snapshot(String tenantId) {
    return cache.get(snapshotKey(tenantId)).flatMap(text -> read(text, BudgetSnapshot.class));
  }

  void store(BudgetSnapshot snapshot) {
    write(snapshot).ifPresent(text -> cache.put(snapshotKey(snapshot.tenantId()), text, ttl));
    KnownSpend known = new KnownSpend(snapshot.spend(), snapshot.spendAt());
    localSpend.put(snapshot.tenantId(), known);
    write(known).ifPresent(text -> cache.put(spendKey(snapshot.tenantId()), text, staleLimit));
  }

  /** {@link #store} for many tenants, in two round trips to Redis instead of two each (the reconciler's page). */
  void storeAll(java.util.List<BudgetSnapshot> snapshots) {
    java.util.Map<String, String> statuses = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> spends = new java.util.LinkedHashMap<>();
    for (BudgetSnapshot snapshot : snapshots) {
      write(snapshot).ifPresent(text -> statuses.put(snapshotKey(snapshot.tenantId()), text));
      KnownSpend known = new KnownSpend(snapshot.spend(), snapshot.spendAt());
      localSpend.put(snapshot.tenantId(), known);
      write(known).ifPresent(text -> spends.put(spendKey(snapshot.tenantId()), text));
    }
    cache.putAll(statuses, ttl);
    cache.putAll(spends, staleLimit);
  }

  /** The newest spend known here or in the shared cache, if not older than the stale limit. */
  Optional<KnownSpend> lastKnownSpend(String tenantId, Instant now) {
    Optional<KnownSpend> shared = cache.get(spendKey(tenantId)).flatMap(text -> read(text, KnownSpend.class));
    Optional<KnownSpend> local = Optional.ofNullable(localSpend.get(tenantId));
    return java.util.stream.Stream.of(shared, local)
        .flatMap(Optional::stream)
        .filter(k -> !k.at().plus(staleLimit).isBefore(now))
        .max(java.util.Comparator.comparing(KnownSpend::at));
  }

  /** After a budget change: the next decision reloads the snapshot. */
  void invalidate(String tenantId) {
    cache.delete(snapshotKey(tenantId));
  }

  /** After a period reset: the old spend is no longer a valid fallback either. */
  void forgetSpend(String tenantId) {
    localSpend.remove(tenantId);
    cache.delete(snapshotKey(tenantId), spendKey(tenantId));
  }

  private static String snapshotKey(String tenantId) {
    return "budget:snapshot:" + tenantId;
  }

  private static String spendKey(String tenantId) {
    return "budget:spend:" + tenantId;
  }

  private <T> Optional<T> read(String text, Class<T> type) {
    try {
      return Optional.of(json.readValue(text, type));
    } catch (JsonProcessingException e) {
      LOG.warn("ignoring an unreadable cache entry of type {}: {}", type.getSimpleName(), e.getOriginalMessage());
      return Optional.empty();
    }
  }

  private Optional<String> write(Object value) {
    try {
      return Optional.of(json.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      LOG.warn("cannot cache a {}: {}", value.getClass().getSimpleName(), e.getOriginalMessage());
      return Optional.empty();
    }
  }
}
