package io.budgetgate.platform.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The cache of a single instance: a map with per-entry expiry, read against the injected clock. */
public final class InProcessCache implements KeyValueCache {
  private static final int SWEEP_EVERY = 1024;

  private record Entry(String value, Instant expiresAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final AtomicLong writes = new AtomicLong();

  public InProcessCache(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<String> get(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.expiresAt())) {
      entries.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
      Instant now = clock.instant();
      entries.values().removeIf(e -> !now.isBefore(e.expiresAt()));
    }
  }

  @Override
  public Optional<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    Instant now = clock.instant();
    Entry mine = new Entry(value, now.plus(ttl));
    Entry winner = entries.compute(key, (k, old) -> old == null || !now.isBefore(old.expiresAt()) ? mine : old);
    return Optional.of(winner == mine);
  }

  @Override
  public void delete(String... keys) {
    for (String key : keys) {
      entries.remove(key);
    }
  }

  /** Entries held, expired ones not yet swept included. */
  int size() {
    return entries.size();
  }

  @Override
  public String describe() {
    return "in-process";
  }
}
