package io.budgetgate.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-process cache and dedup (the semantics of Redis SET NX EX, GET, DEL) on a moved clock. */
class InProcessCacheTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-29T12:00:00Z"));
  private final InProcessCache cache = new InProcessCache(clock);

  @Test
  void putIfAbsentClaimsOnceUntilTheTtlEnds() {
    assertThat(cache.putIfAbsent("alert:a", "1", Duration.ofSeconds(10))).contains(true);
    assertThat(cache.putIfAbsent("alert:a", "2", Duration.ofSeconds(10))).contains(false);
    clock.advance(Duration.ofMillis(9_999));
    assertThat(cache.putIfAbsent("alert:a", "3", Duration.ofSeconds(10))).contains(false);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.putIfAbsent("alert:a", "4", Duration.ofSeconds(10))).contains(true);
    assertThat(cache.get("alert:a")).contains("4");
  }

  @Test
  void entriesExpireExactlyAtTheirTtlAndDeleteForgetsThem() {
    cache.put("k", "v", Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.get("k")).contains("v");
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.get("k")).isEmpty();

    cache.put("x", "1", Duration.ofSeconds(60));
    cache.put("y", "2", Duration.ofSeconds(60));
    cache.delete("x", "y");
    assertThat(cache.get("x")).isEmpty();
    assertThat(cache.get("y")).isEmpty();
    assertThat(cache.describe()).isEqualTo("in-process");
  }

  @Test
  void expiredEntriesAreSweptOutAsWritesGoOn() {
    for (int i = 0; i < 1022; i++) {
      cache.put("old-" + i, "v", Duration.ofSeconds(1));
    }
    clock.advance(Duration.ofSeconds(2));
    cache.put("fresh", "v", Duration.ofSeconds(60));
    assertThat(cache.size()).as("no sweep before the 1024th write").isEqualTo(1023);

    cache.put("trigger", "v", Duration.ofSeconds(60));

    assertThat(cache.size()).as("the 1024th write swept the expired entries").isEqualTo(2);
    assertThat(cache.get("trigger")).contains("v");
    assertThat(cache.get("old-1")).isEmpty();
  }
}
