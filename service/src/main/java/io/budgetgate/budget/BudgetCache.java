package io.budgetgate.budget;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.cache.KeyValueCache;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget snapshots ({@code budget:snapshot:{tenant}}, TTL {@code cacheTtl}) and each tenant's
 * last known spend ({@code budget:spend:{tenant}}, TTL {@code staleLimit}) in the shared cache.
 * The last known spend is also kept in this process, so a stale answer survives a Redis outage.
 * Neither is ever replaced by a spend read earlier than the one already known.
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
  private final ConcurrentHashMap<String, Parsed> parsedSnapshots = new ConcurrentHashMap<>();
  private final Counter olderReads;

  BudgetCache(KeyValueCache cache, ObjectMapper json, Duration ttl, Duration staleLimit,
      MetricRegistry metrics) {
    this.olderReads = metrics.counter("budget.cache.older_reads");
    this.cache = cache;
    this.json = json;
    this.ttl = ttl;
    this.staleLimit = staleLimit;
  }

  /**
   * The tenant's cached snapshot, while it is younger than {@code cacheTtl} by this service's own
   * clock: the cache's TTL says the same in production, but the service's clock decides, so an
   * entry another instance wrote, or one a test's clock has moved past, is never served late.
   */
  Optional<BudgetSnapshot> snapshot(String tenantId, Instant now) {
    return cache.get(snapshotKey(tenantId)).flatMap(text -> parsed(tenantId, text))
        .filter(s -> s.spendAt() == null || now.isBefore(s.spendAt().plus(ttl)));
  }

  /**
   * The snapshot the cached text says, parsed once per text: a cached check reads the same text
   * again and again, and parsing it was an eighth of the check's CPU (docs/perf/hot-path.md). The
   * text itself still comes from the cache on every read, so a change another instance cached is
   * seen exactly as before; only an identical text reuses the (immutable) snapshot parsed from it.
   * One entry per tenant this instance has read (about 1 KB each), kept until it stops.
   */
  private Optional<BudgetSnapshot> parsed(String tenantId, String text) {
    Parsed last = parsedSnapshots.get(tenantId);
    if (last != null && last.text().equals(text)) {
      return Optional.of(last.snapshot());
    }
    Optional<BudgetSnapshot> snapshot = read(text, BudgetSnapshot.class);
    snapshot.ifPresent(parsed -> parsedSnapshots.put(tenantId, new Parsed(text, parsed)));
    return snapshot;
  }

  /** A cached text and the snapshot parsed from it. */
  private record Parsed(String text, BudgetSnapshot snapshot) {}

  /**
   * Caches a snapshot and its spend as the last known one, unless a newer spend is already known
   * here or in the shared cache: a read that took longer (the reconciler's list, read before its
   * pages are worked through) must not replace a later one. The snapshot is served for
   * {@code cacheTtl} from when its spend was read, not from now. Returns whether it was stored.
   */
  boolean store(BudgetSnapshot snapshot, Instant now) {
    return !storeAll(List.of(snapshot), now).isEmpty();
  }

  /**
   * {@link #store} for many tenants, in two round trips to Redis instead of two each (the
   * reconciler's page), plus one to see which spends are newer. Returns the tenants stored.
   */
  Set<String> storeAll(List<BudgetSnapshot> snapshots, Instant now) {
    Map<String, String> known = cache.getAll(snapshots.stream().map(s -> spendKey(s.tenantId())).toList());
    Map<String, String> statuses = new LinkedHashMap<>();
    Map<String, String> spends = new LinkedHashMap<>();
    Set<String> stored = new LinkedHashSet<>();
    Duration served = ttl;
    for (BudgetSnapshot snapshot : snapshots) {
      String tenantId = snapshot.tenantId();
      KnownSpend fresh = new KnownSpend(snapshot.spend(), snapshot.spendAt());
      Optional<KnownSpend> shared = Optional.ofNullable(known.get(spendKey(tenantId))).flatMap(t -> read(t, KnownSpend.class));
      if (shared.isPresent() && shared.get().at().isAfter(fresh.at()) || !keepLocally(tenantId, fresh)) {
        olderReads.inc();
        continue;
      }
      Duration left = ttl.minus(Duration.between(fresh.at(), now));
      if (left.compareTo(Duration.ZERO) > 0) {
        served = left.compareTo(served) < 0 ? left : served;
        write(snapshot).ifPresent(text -> statuses.put(snapshotKey(tenantId), text));
      }
      write(fresh).ifPresent(text -> spends.put(spendKey(tenantId), text));
      stored.add(tenantId);
    }
    cache.putAll(statuses, served);
    cache.putAll(spends, staleLimit);
    return stored;
  }

  /** Keeps the spend in this process unless a newer one is kept already; whether it did. */
  private boolean keepLocally(String tenantId, KnownSpend fresh) {
    boolean[] kept = {false};
    localSpend.compute(tenantId, (id, current) -> {
      if (current != null && current.at().isAfter(fresh.at())) {
        return current;
      }
      kept[0] = true;
      return fresh;
    });
    return kept[0];
  }

  /** The newest spend known here or in the shared cache, if not older than the stale limit. */
  Optional<KnownSpend> lastKnownSpend(String tenantId, Instant now) {
    Optional<KnownSpend> shared = cache.get(spendKey(tenantId)).flatMap(text -> read(text, KnownSpend.class));
    Optional<KnownSpend> local = Optional.ofNullable(localSpend.get(tenantId));
    return Stream.of(shared, local)
        .flatMap(Optional::stream)
        .filter(k -> !k.at().plus(staleLimit).isBefore(now))
        .max(Comparator.comparing(KnownSpend::at));
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
