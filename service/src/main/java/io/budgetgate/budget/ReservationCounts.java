package io.budgetgate.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.cache.KeyValueCache;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached count of a tenant's reservations: what was counted, the spend it was counted against
 * and the first instant it could drop, so a cached status with that same spend reads it without a
 * query until then. A hold rewrites it; a settle, release or sweep deletes it, so several instances
 * on one cache agree. One small value per tenant, however many reservations it has open. A value
 * that cannot be read is a miss (logged), never an answer.
 */
final class ReservationCounts {
  private static final Logger LOG = LoggerFactory.getLogger(ReservationCounts.class);
  /** How long a tenant's cached count lives at most (less when one of its rows stops counting sooner). */
  static final Duration CACHE_TTL = Duration.ofMinutes(1);

  /** A tenant's count as cached: the spend it was made with, the amount, and when it could first drop. */
  record CachedCount(BigDecimal spend, BigDecimal reserved, Instant until) {}

  private final KeyValueCache cache;
  private final ObjectMapper json;

  ReservationCounts(KeyValueCache cache, ObjectMapper json) {
    this.cache = cache;
    this.json = json;
  }

  static String cacheKey(String tenantId) {
    return "budget:reserved:" + tenantId;
  }

  /** What the cache knows, if it counted with this spend and nothing counted has ended since. */
  Optional<ReservationDao.Counted> cached(String tenantId, BigDecimal spend, Instant now) {
    Optional<String> text = cache.get(cacheKey(tenantId));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      CachedCount c = json.readValue(text.get(), CachedCount.class);
      boolean current = c.spend().compareTo(spend) == 0 && (c.until() == null || now.isBefore(c.until()));
      return current ? Optional.of(new ReservationDao.Counted(c.reserved(), c.until())) : Optional.empty();
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("tenant {}: the cached reservation count cannot be read; counting in PostgreSQL: {}", tenantId, e.toString());
      return Optional.empty();
    }
  }

  /** Caches a count until it could first drop (a minute at most); one with under a millisecond left is deleted. */
  void remember(String tenantId, BigDecimal spend, ReservationDao.Counted counted, Instant now) {
    Duration ttl = CACHE_TTL;
    if (counted.until() != null) {
      Duration left = Duration.between(now, counted.until());
      if (left.compareTo(Duration.ofMillis(1)) < 0) {
        forget(tenantId);
        return;
      }
      ttl = left.compareTo(ttl) < 0 ? left : ttl;
    }
    try {
      cache.put(cacheKey(tenantId), json.writeValueAsString(new CachedCount(spend, counted.reserved(), counted.until())), ttl);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reservation count cannot be written as JSON", e);
    }
  }

  void forget(String tenantId) {
    cache.delete(cacheKey(tenantId));
  }

  /** Deletes the counts of these tenants in one call. */
  void forget(Collection<String> tenantIds) {
    cache.delete(tenantIds.stream().map(ReservationCounts::cacheKey).toArray(String[]::new));
  }
}
