package io.budgetgate.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.CapturedLogs;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestRedis;
import io.dropwizard.util.Duration;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@link RedisCache} on a real Redis of its own that the test stops: the claim ({@code SET NX PX})
 * the alert dedup is built on says "claimed", "taken" or "no answer" and never confuses them, and an
 * outage is a miss for {@code retryAfter}, then Redis is asked again.
 */
class RedisCacheIT {
  static final TestRedis.EmbeddedRedis REDIS = TestRedis.startEmbedded();
  static final TestClock CLOCK = new TestClock();
  static RedisCache cache;

  @BeforeAll
  static void connect() {
    try (Jedis redis = new Jedis(URI.create(REDIS.url()))) {
      redis.flushAll(); // empty already, unless PIT runs the class again in this JVM
    }
    cache = new RedisCache(new RedisConfig(REDIS.url(), Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
  }

  /** The embedded Redis itself stops with the JVM (TestRedis's shutdown hook). */
  @AfterAll
  static void close() {
    cache.stop();
  }

  @Test
  void aClaimIsTakenOnceUntilItsTtlRunsOutAndEveryValueRoundTrips() throws Exception {
    assertThat(cache.putIfAbsent("claim:a", "first", java.time.Duration.ofMillis(300))).contains(true);
    assertThat(cache.putIfAbsent("claim:a", "second", java.time.Duration.ofMillis(300))).as("taken").contains(false);
    assertThat(cache.get("claim:a")).contains("first");
    assertThat(cache.putIfAbsent("claim:b", "other", java.time.Duration.ofMinutes(1))).as("another key").contains(true);
    Thread.sleep(400); // Redis's own TTL, in Redis's time
    assertThat(cache.putIfAbsent("claim:a", "third", java.time.Duration.ofMinutes(1))).as("expired: free again").contains(true);

    cache.put("one", "1", java.time.Duration.ofMinutes(1));
    cache.putAll(Map.of("two", "2", "three", "3"), java.time.Duration.ofMinutes(1));
    assertThat(cache.getAll(List.of("one", "two", "three", "missing"))).isEqualTo(Map.of("one", "1", "two", "2", "three", "3"));
    assertThat(cache.getAll(List.of())).isEmpty();
    cache.delete("one", "two");
    assertThat(cache.get("one")).isEmpty();
    assertThat(cache.get("three")).contains("3");
    assertThat(cache.available()).isTrue();
    assertThat(cache.describe()).isEqualTo("redis " + REDIS.url().substring("redis://".length()));
  }

  @Test
  void theUrlsPathChoosesTheDatabaseAndStopClosesItsConnections() throws Exception {
    RedisCache third = new RedisCache(new RedisConfig(REDIS.url() + "/3", Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
    RedisCache slash = new RedisCache(new RedisConfig(REDIS.url() + "/", Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
    try (Jedis raw = new Jedis(URI.create(REDIS.url()))) {
      int clientsBefore = clients(raw);
      third.put("db-test", "three", java.time.Duration.ofMinutes(1));
      slash.put("db-test", "zero", java.time.Duration.ofMinutes(1));

      assertThat(raw.get("db-test")).as("no database number: database 0").isEqualTo("zero");
      raw.select(3);
      assertThat(raw.get("db-test")).isEqualTo("three");
      raw.select(0);
      assertThat(third.describe()).as("the address, not the database").isEqualTo("redis " + REDIS.url().substring("redis://".length()));
      assertThat(clients(raw)).isEqualTo(clientsBefore + 2);
      third.stop();
      slash.stop();
      // Redis notices a closed socket on its own time: wait for it, never a blind sleep
      Eventually.await("Redis to see the stopped caches' connections closed", java.time.Duration.ofSeconds(5),
          () -> clients(raw) == clientsBefore);
    }
    RedisCache noPort = new RedisCache(new RedisConfig("redis://127.0.0.1", Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
    RedisCache portZero = new RedisCache(new RedisConfig("redis://127.0.0.1:0", Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
    assertThat(noPort.describe()).as("no port: Redis's own").isEqualTo("redis 127.0.0.1:6379");
    assertThat(portZero.describe()).as("a port written is used as written, even 0").isEqualTo("redis 127.0.0.1:0");
    noPort.stop();
    portZero.stop();
  }

  @Test
  void callsWithNothingToSendDoNotAskRedisSoTheyNeitherFailNorSwitchTheCacheOff() {
    // a cache of its own: no pooled connection yet, so anything sent to Redis must open one
    RedisCache fresh = new RedisCache(new RedisConfig(REDIS.url(), Duration.milliseconds(500), Duration.seconds(5)), CLOCK);
    try {
      assertThat(fresh.getAll(List.of())).isEmpty(); // MGET without a key is an error in Redis
      fresh.putAll(Map.of(), java.time.Duration.ofMinutes(1));
      assertThat(fresh.failures()).isZero();
      REDIS.stop();
      try {
        fresh.putAll(Map.of(), java.time.Duration.ofMinutes(1));
        assertThat(fresh.getAll(List.of())).isEmpty();
        assertThat(fresh.failures()).as("Redis was not asked").isZero();
        assertThat(fresh.available()).isTrue();
      } finally {
        REDIS.start();
      }
    } finally {
      fresh.stop();
    }
  }

  @Test
  void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
    CapturedLogs logs = CapturedLogs.attach();
    String address = REDIS.url().substring("redis://".length());
    CLOCK.advance(java.time.Duration.ofMinutes(1)); // past any retryAfter an earlier test left
    REDIS.stop();
    try {
      assertThat(cache.get("a")).isEmpty();
      CLOCK.advance(java.time.Duration.ofSeconds(5));
      assertThat(cache.get("a")).as("asked again after retryAfter, still down").isEmpty();
    } finally {
      REDIS.start();
    }
    CLOCK.advance(java.time.Duration.ofSeconds(5));
    cache.put("a", "1", java.time.Duration.ofMinutes(1));
    assertThat(cache.get("a")).contains("1");

    List<String> said = logs.lines().stream().filter(l -> l.split(" ", 3)[1].equals("io.budgetgate.platform.cache.RedisCache:"))
        .toList();
    assertThat(said).containsExactly(
        "WARN io.budgetgate.platform.cache.RedisCache: Redis at " + address + " is unreachable (JedisConnectionException); "
            + "answering from PostgreSQL and LiteLLM without the cache, retrying Redis every 5 s",
        "INFO io.budgetgate.platform.cache.RedisCache: Redis at " + address + " answers again; the shared cache is back in use");
  }

  private static int clients(Jedis raw) {
    return (int) raw.clientList().lines().filter(l -> !l.isBlank()).count() - 1; // not counting raw itself
  }

  @Test
  void whileRedisIsDownAClaimHasNoAnswerAndRedisIsLeftAloneForRetryAfter() {
    long before = cache.failures();
    CLOCK.advance(java.time.Duration.ofMinutes(1)); // past any retryAfter an earlier test left
    REDIS.stop();
    try {
      assertThat(cache.putIfAbsent("claim:down", "x", java.time.Duration.ofMinutes(1))).as("no answer, not 'taken'").isEmpty();
      assertThat(cache.get("anything")).isEmpty();
      assertThat(cache.available()).isFalse();
      assertThat(cache.describe()).endsWith("(unreachable: answering without it)");
      assertThat(cache.failures()).isEqualTo(before + 1);
      assertThat(cache.putIfAbsent("claim:down", "x", java.time.Duration.ofMinutes(1))).isEmpty();
      assertThat(cache.failures()).as("within retryAfter Redis is not asked").isEqualTo(before + 1);
    } finally {
      REDIS.start();
    }
    assertThat(cache.putIfAbsent("claim:down", "x", java.time.Duration.ofMinutes(1))).as("still within retryAfter").isEmpty();
    CLOCK.advance(java.time.Duration.ofSeconds(5));
    assertThat(cache.putIfAbsent("claim:down", "x", java.time.Duration.ofMinutes(1))).as("asked again").contains(true);
    assertThat(cache.available()).isTrue();
  }
}
