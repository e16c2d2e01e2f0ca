package io.budgetgate.platform.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small shared cache of strings with expiry: Redis when configured, in-process otherwise.
 * Implementations never throw for an unreachable backend: a read misses, a write is dropped,
 * and the caller goes on without the cache.
 */
public interface KeyValueCache {

  Optional<String> get(String key);

  /** Several keys at once (Redis {@code MGET}, one round trip); a key that is absent or expired is left out. */
  default Map<String, String> getAll(Collection<String> keys) {
    Map<String, String> found = new HashMap<>();
    for (String key : keys) {
      get(key).ifPresent(value -> found.put(key, value));
    }
    return found;
  }

  void put(String key, String value, Duration ttl);

  /** Several entries with one ttl; Redis sends them in one pipelined round trip. */
  default void putAll(Map<String, String> values, Duration ttl) {
    values.forEach((key, value) -> put(key, value, ttl));
  }

  void delete(String... keys);

  /**
   * Sets the key only if absent, with expiry, atomically (Redis {@code SET NX PX}).
   *
   * @return true if this call set it, false if it was already there, empty if the backend failed
   */
  Optional<Boolean> putIfAbsent(String key, String value, Duration ttl);

  /** Which backend answers, for logs and health output. */
  String describe();
}
