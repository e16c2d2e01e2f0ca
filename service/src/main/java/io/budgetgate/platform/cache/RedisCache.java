package io.budgetgate.platform.cache;

import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The shared cache in Redis. When Redis fails, it is left alone for {@code retryAfter} (reads miss,
 * writes are dropped), the outage is logged once, and Redis is tried again afterwards; its return
 * is logged too. No call ever waits longer than the configured timeout.
 */
public final class RedisCache implements KeyValueCache, Managed {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

  private final JedisPooled redis;
  private final String address;
  private final Duration retryAfter;
  private final Clock clock;
  private final AtomicReference<Instant> downUntil = new AtomicReference<>(Instant.MIN);
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean down;

  public RedisCache(RedisConfig config, Clock clock) {
    URI uri = URI.create(config.url());
    int timeout = (int) config.timeout().toMilliseconds();
    int database = uri.getPath() == null || uri.getPath().length() <= 1 ? 0 : Integer.parseInt(uri.getPath().substring(1));
    HostAndPort at = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    this.redis = new JedisPooled(at,
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).database(database).build());
    this.address = at.getHost() + ":" + at.getPort();
    this.retryAfter = config.retryAfter().toJavaDuration();
    this.clock = clock;
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(call(r -> r.get(key), null));
  }

  @Override
  public Map<String, String> getAll(Collection<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<String> asked = List.copyOf(keys);
    List<String> values = call(r -> r.mget(asked.toArray(String[]::new)), List.of());
    Map<String, String> found = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        found.put(asked.get(i), values.get(i));
      }
    }
    return found;
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    call(r -> r.psetex(key, Math.max(1, ttl.toMillis()), value), null);
  }

  @Override
  public void putAll(Map<String, String> values, Duration ttl) {
    if (values.isEmpty()) {
      return;
    }
    long millis = Math.max(1, ttl.toMillis());
    call(r -> {
      try (var pipeline = r.pipelined()) {
        values.forEach((key, value) -> pipeline.psetex(key, millis, value));
        pipeline.sync();
      }
      return null;
    }, null);
  }

  @Override
  public Optional<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    String answer = call(r -> String.valueOf(r.set(key, value, SetParams.setParams().nx().px(Math.max(1, ttl.toMillis())))), "failed");
    return "failed".equals(answer) ? Optional.empty() : Optional.of("OK".equals(answer));
  }

  @Override
  public void delete(String... keys) {
    call(r -> r.del(keys), null);
  }

  @Override
  public String describe() {
    return "redis " + address + (down ? " (unreachable: answering without it)" : "");
  }

  /** Whether Redis answered the last call. */
  public boolean available() {
    return !down;
  }

  /** Redis failures since start. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void stop() {
    redis.close();
  }

  private <T> T call(Function<JedisPooled, T> command, T fallback) {
    Instant now = clock.instant();
    if (now.isBefore(downUntil.get())) {
      return fallback;
    }
    try {
      T result = command.apply(redis);
      if (down) {
        down = false;
        LOG.info("Redis at {} answers again; the shared cache is back in use", address);
      }
      return result;
    } catch (JedisException e) {
      failures.incrementAndGet();
      downUntil.set(now.plus(retryAfter));
      if (!down) {
        down = true;
        LOG.warn("Redis at {} is unreachable ({}); answering from PostgreSQL and LiteLLM without the cache, "
            + "retrying Redis every {} s", address, e.getClass().getSimpleName(), retryAfter.toSeconds());
      }
      return fallback;
    }
  }
}
