package io.budgetgate.platform.cache;

import com.codahale.metrics.Gauge;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the cache backend: Redis when {@code redis.url} is set, in-process otherwise. */
public final class CacheWiring {
  private static final Logger LOG = LoggerFactory.getLogger(CacheWiring.class);

  private CacheWiring() {}

  public static KeyValueCache wire(RedisConfig config, Clock clock, Environment environment) {
    if (!config.enabled()) {
      LOG.info("no redis.url: budget cache is in-process (fine for one instance)");
      return new InProcessCache(clock);
    }
    RedisCache redis = new RedisCache(config, clock);
    environment.lifecycle().manage(redis);
    environment.metrics().register("cache.redis.available", (Gauge<Integer>) () -> redis.available() ? 1 : 0);
    environment.metrics().register("cache.redis.failures", (Gauge<Long>) redis::failures);
    return redis;
  }
}
