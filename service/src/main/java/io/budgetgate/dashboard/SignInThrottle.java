package io.budgetgate.dashboard;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed dashboard sign-ins per client address: after {@value #LIMIT} failures within a minute,
 * that address is refused (429 with {@code Retry-After}) until the oldest of them is a minute old,
 * so guessing tokens from one address costs at most {@value #LIMIT} tries a minute. Another
 * address is not affected. Per instance, in memory: behind a load balancer each instance counts its
 * own share. Counters {@code dashboard.sign_in.failed} and {@code dashboard.sign_in.throttled}.
 */
final class SignInThrottle {
  static final int LIMIT = 10;
  static final Duration WINDOW = Duration.ofMinutes(1);
  /** Addresses remembered at most; beyond it, addresses with no failure in the window are forgotten first. */
  private static final int ADDRESSES = 10_000;

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final Counter failed;
  private final Counter throttled;

  SignInThrottle(Clock clock, MetricRegistry metrics) {
    this.clock = clock;
    this.failed = metrics.counter("dashboard.sign_in.failed");
    this.throttled = metrics.counter("dashboard.sign_in.throttled");
  }

  /** Seconds until {@code address} may try again; 0 when it may now. A refused try is counted. */
  long retryAfterSeconds(String address) {
    Instant now = clock.instant();
    Deque<Instant> seen = failures.get(address);
    if (seen == null) {
      return 0;
    }
    synchronized (seen) {
      prune(seen, now);
      if (seen.size() < LIMIT) {
        return 0;
      }
      throttled.inc();
      return Math.max(1, Duration.between(now, seen.peekFirst().plus(WINDOW)).toSeconds() + 1);
    }
  }

  /** A sign-in from {@code address} with a token that is not recognised. */
  void failed(String address) {
    failed.inc();
    Instant now = clock.instant();
    if (failures.size() >= ADDRESSES) {
      failures.entrySet().removeIf(e -> {
        synchronized (e.getValue()) {
          prune(e.getValue(), now);
          return e.getValue().isEmpty();
        }
      });
    }
    Deque<Instant> seen = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (seen) {
      prune(seen, now);
      seen.addLast(now);
      while (seen.size() > LIMIT) {
        seen.removeFirst();
      }
    }
  }

  private static void prune(Deque<Instant> seen, Instant now) {
    while (!seen.isEmpty() && !seen.peekFirst().plus(WINDOW).isAfter(now)) {
      seen.removeFirst();
    }
  }
}
