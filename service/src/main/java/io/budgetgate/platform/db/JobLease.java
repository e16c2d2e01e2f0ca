package io.budgetgate.platform.db;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * Which instance runs a background job's round: a row in {@code job_leases}, taken and renewed
 * with one short statement each, so that of several instances exactly one runs the round and no
 * pooled connection stays checked out while the round waits on LiteLLM. Expiry uses the
 * database's clock, so instances with skewed clocks agree; a holder that dies loses the lease
 * {@code ttl} after its last renewal. A long round renews as it goes ({@link Held#renew()}).
 */
public final class JobLease {
  private final Jdbi jdbi;
  private final String name;
  private final Duration ttl;
  private final String holder;

  /** {@code ttl}: how long a taken or renewed lease lasts; keep it a few times the round's interval. */
  public JobLease(Jdbi jdbi, String name, Duration ttl) {
    this.jdbi = jdbi;
    this.name = name;
    this.ttl = ttl;
    this.holder = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
  }

  /**
   * A ttl for a job that runs every {@code interval}: three intervals, at least 5 s (so a renewal
   * is never due more often than a tenant takes) and at most 60 s (so an instance killed mid-round
   * holds up the others for a minute at most; a round renews as it goes, whatever its length).
   */
  public static Duration ttlFor(Duration interval) {
    Duration three = interval.multipliedBy(3);
    return three.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5)
        : three.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : three;
  }

  /** The lease while a round holds it. */
  public final class Held {
    private long renewedAt = System.nanoTime();

    /**
     * Renews the lease once a third of its ttl has passed since the last renewal (a no-op
     * otherwise, so it is cheap to call per tenant); false when another instance took it over,
     * and the round should stop.
     */
    public boolean renew() {
      return System.nanoTime() - renewedAt < ttl.toNanos() / 3 || keep();
    }

    /** Renews now; false when another instance took the lease over. */
    public boolean keep() {
      boolean kept = take();
      renewedAt = System.nanoTime();
      return kept;
    }
  }

  /** Runs {@code round} holding the lease; empty when another instance holds it. */
  public <T> Optional<T> tryWith(Function<Held, T> round) {
    if (!take()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(round.apply(new Held()));
    } finally {
      release();
    }
  }

  /** Who holds the lease now (for logs and tests): empty when nobody does. */
  public Optional<String> holderNow() {
    return jdbi.withHandle(handle -> handle.createQuery(
            "SELECT holder FROM job_leases WHERE name = :name AND expires_at > now()")
        .bind("name", name).mapTo(String.class).findOne());
  }

  private boolean take() {
    return jdbi.withHandle(handle -> handle.createQuery("""
            INSERT INTO job_leases (name, holder, expires_at)
            VALUES (:name, :holder, now() + make_interval(secs => :ttl))
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE job_leases.holder = EXCLUDED.holder OR job_leases.expires_at <= now()
            RETURNING holder""")
        .bind("name", name).bind("holder", holder).bind("ttl", ttl.toMillis() / 1000.0)
        .mapTo(String.class).findOne().isPresent());
  }

  private void release() {
    jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM job_leases WHERE name = :name AND holder = :holder")
        .bind("name", name).bind("holder", holder).execute());
  }
}
