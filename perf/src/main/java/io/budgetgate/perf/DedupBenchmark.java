package io.budgetgate.perf;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/** The alert dedup operation ({@code SET alert:... NX EX 3600}) on real Redis, as fast as 4 threads go. */
final class DedupBenchmark {
  private DedupBenchmark() {}

  /** Operations per second over {@code length}. */
  static double run(String redisUrl, Duration length) throws Exception {
    URI url = URI.create(redisUrl);
    String run = UUID.randomUUID().toString().substring(0, 8);
    LongAdder ops = new LongAdder();
    long deadline = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (JedisPooled redis = new JedisPooled(url.getHost(), url.getPort())) {
      List<Future<?>> workers = new ArrayList<>();
      long started = System.nanoTime();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          long i = 0;
          while (System.nanoTime() < deadline) {
            // half first claims, half repeats: both outcomes of SET NX are exercised
            String key = "perf:alert:" + run + ":" + thread + ":" + (i++ / 2) + ":warning:0";
            redis.set(key, "1", SetParams.setParams().nx().ex(60));
            ops.increment();
          }
        }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return ops.sum() / seconds;
    } finally {
      pool.shutdown();
    }
  }
}
