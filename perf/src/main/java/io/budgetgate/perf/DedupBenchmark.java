package io.budgetgate.perf;

import io.budgetgate.alert.AlertLevel;
import io.budgetgate.alert.DedupKey;
import io.budgetgate.platform.cache.RedisCache;
import io.budgetgate.platform.cache.RedisConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alert dedup claim as BudgetGate makes it ({@code AlertService.raise}): {@code RedisCache.putIfAbsent}
 * of a {@link DedupKey} with the shipped TTL (3600 s), on real Redis, closed-loop with 4 threads.
 * Half the claims are first claims and half repeats, so both answers of {@code SET NX} are timed;
 * a claim that gets no answer (Redis failing) counts as failed.
 */
final class DedupBenchmark {
  static final int THREADS = 4;
  private static final Duration TTL = Duration.ofSeconds(3600);

  private DedupBenchmark() {}

  static Load.Figures run(String redisUrl, Duration length) throws Exception {
    String run = "perf-" + UUID.randomUUID().toString().substring(0, 8);
    Instant periodStart = Instant.now();
    AtomicLong claims = new AtomicLong();
    RedisCache redis = new RedisCache(new RedisConfig(redisUrl, null, null), Clock.systemUTC());
    try {
      long deadline = System.nanoTime() + length.toNanos();
      return Load.closedLoop(THREADS, () -> System.nanoTime() < deadline, () -> {
        long i = claims.getAndIncrement();
        String key = DedupKey.of(run + "-" + (i / 2), AlertLevel.WARNING, periodStart);
        Optional<Boolean> first = redis.putIfAbsent(key, periodStart.toString(), TTL);
        return first.isPresent();
      });
    } finally {
      redis.stop();
    }
  }
}
