package io.budgetgate.testing;

import io.budgetgate.platform.cache.KeyValueCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A cache that deletes as Redis does, for tests that start no Redis: it refuses a delete of no
 * keys ({@code DEL} without a key is an error, which {@code RedisCache} takes for an outage and
 * answers without Redis for a while), and records every delete it is asked for.
 */
public final class RedisLikeCache implements KeyValueCache {
  private final KeyValueCache cache;
  /** Each delete's keys, in the order they were asked for. */
  public final List<List<String>> deletes = Collections.synchronizedList(new ArrayList<>());

  public RedisLikeCache(KeyValueCache cache) {
    this.cache = cache;
  }

  @Override
  public Optional<String> get(String key) {
    return cache.get(key);
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    cache.put(key, value, ttl);
  }

  @Override
  public Optional<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    return cache.putIfAbsent(key, value, ttl);
  }

  @Override
  public void delete(String... keys) {
    if (keys.length == 0) {
      throw new IllegalStateException("ERR wrong number of arguments for 'del' command");
    }
    deletes.add(List.of(keys));
    cache.delete(keys);
  }

  @Override
  public String describe() {
    return "in-process, deleting as Redis does";
  }
}
