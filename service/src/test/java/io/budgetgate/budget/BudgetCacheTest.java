package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.budgetgate.platform.cache.InProcessCache;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.testing.TestClock;
import io.dropwizard.jackson.Jackson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the budget cache keeps when reads arrive out of order, and how long a snapshot is served. */
class BudgetCacheTest {
  static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");

  final TestClock clock = new TestClock(NOW);
  final MetricRegistry metrics = new MetricRegistry();
  final BudgetCache cache = new BudgetCache(new InProcessCache(clock), Jackson.newObjectMapper(), Duration.ofSeconds(60),
      Duration.ofMinutes(10), metrics);

  static BudgetSnapshot read(String tenant, String spend, Instant at) {
    return new BudgetSnapshot(tenant, new BigDecimal("100"), 80, 110, null, null, List.of(), new BigDecimal(spend), at, null);
  }

  @Test
  void aCachedTextIsParsedOnceAndAnotherInstancesNewerSnapshotIsSeenAtOnce() {
    InProcessCache shared = new InProcessCache(clock);
    BudgetCache here = new BudgetCache(shared, Jackson.newObjectMapper(), Duration.ofSeconds(60), Duration.ofMinutes(10), metrics);
    BudgetCache other = new BudgetCache(shared, Jackson.newObjectMapper(), Duration.ofSeconds(60), Duration.ofMinutes(10),
        new MetricRegistry());
    other.store(read("t", "10", NOW.minusSeconds(5)), NOW);

    BudgetSnapshot first = here.snapshot("t", NOW).orElseThrow();
    assertThat(here.snapshot("t", NOW).orElseThrow()).as("the same text: parsed once").isSameAs(first);
    other.store(read("t", "20", NOW.minusSeconds(1)), NOW);

    assertThat(here.snapshot("t", NOW).orElseThrow().spend()).as("a new text: read again").isEqualByComparingTo("20");
    other.invalidate("t");
    assertThat(here.snapshot("t", NOW)).as("gone from the shared cache: gone here").isEmpty();
  }

  @Test
  void aSpendReadEarlierThanTheKnownOneIsNotStoredAndCounted() {
    assertThat(cache.store(read("t", "120", NOW.minusSeconds(1)), NOW)).isTrue();

    boolean older = cache.store(read("t", "50", NOW.minusSeconds(20)), NOW);

    assertThat(older).isFalse();
    assertThat(cache.snapshot("t", NOW).orElseThrow().spend()).isEqualByComparingTo("120");
    assertThat(cache.lastKnownSpend("t", NOW).orElseThrow().spend()).isEqualByComparingTo("120");
    assertThat(metrics.counter("budget.cache.older_reads").getCount()).isEqualTo(1);
  }

  @Test
  void aLaterReadReplacesTheKnownOneEvenWhenItIsLower() {
    cache.store(read("t", "120", NOW.minusSeconds(20)), NOW);

    assertThat(cache.store(read("t", "0", NOW.minusSeconds(1)), NOW)).as("after a reset, say").isTrue();

    assertThat(cache.snapshot("t", NOW).orElseThrow().spend()).isEqualByComparingTo("0");
    assertThat(cache.lastKnownSpend("t", NOW).orElseThrow().spend()).isEqualByComparingTo("0");
  }

  @Test
  void aSnapshotIsServedForTheTtlFromWhenItsSpendWasReadNotFromWhenItWasStored() {
    Set<String> stored = cache.storeAll(List.of(read("listed", "10", NOW.minusSeconds(50)),
        read("too-old", "10", NOW.minusSeconds(60))), NOW);

    assertThat(stored).as("both spends are new to the cache").containsExactly("listed", "too-old");
    assertThat(cache.snapshot("too-old", NOW)).as("60 s old: never served").isEmpty();
    assertThat(cache.lastKnownSpend("too-old", NOW)).as("still a fallback").isPresent();
    assertThat(cache.snapshot("listed", NOW.plusSeconds(10)))
        .as("still in the shared cache (its clock has not moved), but 60 s old by the service's: not served").isEmpty();
    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.snapshot("listed", clock.instant())).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.snapshot("listed", clock.instant())).as("read 60 s ago").isEmpty();
  }

  @Test
  void withRedisLosingEveryWriteTheSpendKeptInThisProcessStillRefusesAnOlderRead() {
    BudgetCache withoutShared = new BudgetCache(new ForgetfulCache(), Jackson.newObjectMapper(), Duration.ofSeconds(60),
        Duration.ofMinutes(10), metrics);
    withoutShared.store(read("t", "120", NOW.minusSeconds(1)), NOW);

    assertThat(withoutShared.store(read("t", "50", NOW.minusSeconds(20)), NOW)).isFalse();
    assertThat(withoutShared.lastKnownSpend("t", NOW).orElseThrow().spend()).isEqualByComparingTo("120");
  }

  @Test
  void anotherInstanceSeesTheSpendAndItsNewerSpendWinsPerTenant() {
    InProcessCache shared = new InProcessCache(clock);
    BudgetCache here = onShared(shared, metrics);
    BudgetCache there = onShared(shared, new MetricRegistry());
    there.storeAll(List.of(read("a", "70", NOW.minusSeconds(5)), read("b", "20", NOW.minusSeconds(5))), NOW);

    assertThat(here.lastKnownSpend("a", NOW).orElseThrow().spend()).isEqualByComparingTo("70");
    assertThat(here.lastKnownSpend("b", NOW).orElseThrow().spend()).as("each tenant its own entry").isEqualByComparingTo("20");
    assertThat(here.snapshot("b", NOW).orElseThrow().spend()).isEqualByComparingTo("20");
    Set<String> stored = here.storeAll(List.of(read("a", "10", NOW.minusSeconds(30)), read("b", "25", NOW.minusSeconds(1))), NOW);

    assertThat(stored).as("the other instance read a's spend later than this read").containsExactly("b");
    assertThat(metrics.counter("budget.cache.older_reads").getCount()).isEqualTo(1);
    assertThat(there.lastKnownSpend("a", NOW).orElseThrow().spend()).isEqualByComparingTo("70");
    assertThat(there.lastKnownSpend("b", NOW).orElseThrow().spend()).isEqualByComparingTo("25");
  }

  @Test
  void aPageOfSnapshotsIsServedForTheShortestTimeAnyOfThemHasLeft() {
    cache.storeAll(List.of(read("old", "1", NOW.minusSeconds(50)), read("young", "1", NOW.minusSeconds(10))), NOW);

    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.snapshot("young", clock.instant())).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.snapshot("old", clock.instant())).isEmpty();
    assertThat(cache.snapshot("young", clock.instant())).as("one TTL for the page's write: the old one's").isEmpty();
    assertThat(cache.lastKnownSpend("young", clock.instant())).isPresent();
  }

  @Test
  void aSpendOlderThanTheStaleLimitIsNoFallback() {
    cache.store(read("t", "40", NOW.minusSeconds(1)), NOW);

    assertThat(cache.lastKnownSpend("t", NOW.plus(Duration.ofMinutes(10)).minusSeconds(1))).isPresent();
    assertThat(cache.lastKnownSpend("t", NOW.plus(Duration.ofMinutes(10)).plusSeconds(1))).isEmpty();
  }

  @Test
  void aBudgetChangeDropsTheSnapshotAndAResetAlsoTheSpend() {
    InProcessCache shared = new InProcessCache(clock);
    BudgetCache here = onShared(shared, metrics);
    BudgetCache there = onShared(shared, new MetricRegistry());
    here.store(read("changed", "40", NOW.minusSeconds(1)), NOW);
    here.store(read("reset", "40", NOW.minusSeconds(1)), NOW);

    here.invalidate("changed");
    here.forgetSpend("reset");

    assertThat(there.snapshot("changed", NOW)).isEmpty();
    assertThat(there.lastKnownSpend("changed", NOW)).as("a budget change keeps the spend").isPresent();
    assertThat(there.snapshot("reset", NOW)).isEmpty();
    assertThat(there.lastKnownSpend("reset", NOW)).as("gone from the shared cache").isEmpty();
    assertThat(here.lastKnownSpend("reset", NOW)).as("and from this process").isEmpty();
    assertThat(here.store(read("reset", "0", NOW.minusSeconds(20)), NOW)).as("the new period's first read").isTrue();
  }

  /** Another instance's budget cache on the same shared cache (its own process-local spends). */
  private static BudgetCache onShared(KeyValueCache shared, MetricRegistry metrics) {
    return new BudgetCache(shared, Jackson.newObjectMapper(), Duration.ofSeconds(60), Duration.ofMinutes(10), metrics);
  }

  /** A shared cache that answers but keeps nothing, as Redis does while it is unreachable. */
  static final class ForgetfulCache implements KeyValueCache {
    @Override
    public Optional<String> get(String key) {
      return Optional.empty();
    }

    @Override
    public void put(String key, String value, Duration ttl) {
    }

    @Override
    public void delete(String... keys) {
    }

    @Override
    public Optional<Boolean> putIfAbsent(String key, String value, Duration ttl) {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "forgetful";
    }
  }
}
