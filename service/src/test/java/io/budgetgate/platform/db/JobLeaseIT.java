package io.budgetgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Two instances' leases on one real PostgreSQL: exactly one runs a round; a holder that stops
 * renewing loses the lease once it expires (database time), and learns so at its next renewal.
 */
class JobLeaseIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final Jdbi JDBI = Jdbi.create(DB.url(), DB.user(), DB.password());

  @Test
  void oneHolderAtATimeAndTheLeaseIsReleasedAfterTheRound() {
    JobLease first = new JobLease(JDBI, "lease-one", Duration.ofMinutes(1));
    JobLease second = new JobLease(JDBI, "lease-one", Duration.ofMinutes(1));

    Optional<String> ran = first.tryWith(held -> {
      assertThat(second.tryWith(other -> "second ran")).as("held by the first").isEmpty();
      assertThat(held.keep()).as("renewing its own lease").isTrue();
      return "first ran";
    });

    assertThat(ran).contains("first ran");
    assertThat(first.holderNow()).as("released at the end of the round").isEmpty();
    assertThat(second.tryWith(held -> "second ran")).contains("second ran");
  }

  @Test
  void aHolderThatStopsRenewingLosesTheLeaseAndIsToldSo() {
    JobLease stalled = new JobLease(JDBI, "lease-two", Duration.ofMinutes(1));
    JobLease other = new JobLease(JDBI, "lease-two", Duration.ofMinutes(1));

    stalled.tryWith(held -> {
      JDBI.useHandle(h -> h.execute("UPDATE job_leases SET expires_at = now() - interval '1 second' WHERE name = 'lease-two'"));
      assertThat(other.tryWith(taken -> {
        assertThat(held.keep()).as("the stalled holder must stop its round").isFalse();
        return "taken over";
      })).contains("taken over");
      return null;
    });

    assertThat(other.holderNow()).isEmpty();
  }

  @Test
  void theTtlFollowsTheIntervalWithinBounds() {
    assertThat(JobLease.ttlFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
    assertThat(JobLease.ttlFor(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(30));
    assertThat(JobLease.ttlFor(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(60));
  }
}
