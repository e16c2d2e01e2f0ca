package io.budgetgate.perf;

import io.budgetgate.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What one bare commit takes on this machine's PostgreSQL while the load runs: a one-row INSERT
 * committed on its own connection, offered at a fixed {@value #PER_SECOND}/s like Gatling offers
 * requests (each timed from when it was due, so a commit that waits for a stalled disk is timed
 * with its wait). The webhook and miss scenarios commit on every request; on this virtual machine
 * a commit usually takes well under a millisecond but has been seen to take 250-1,500 ms while
 * the disk was busy (PostgreSQL's log, 2026-12-07), and a scenario's p95 then measures the disk.
 * It commits to a database of its own on the same server: one WAL, one disk.
 * The probe's p95 over the same seconds says how much of a scenario's p95 was that.
 */
final class CommitProbe implements AutoCloseable {
  static final int PER_SECOND = 20;
  private static final int CONNECTIONS = 8;

  /** One commit: when it was due (epoch ms) and how long after that it had committed. */
  record Sample(long dueMillis, double millis) {}

  private final BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(CONNECTIONS);
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS);
  private volatile int failures;

  CommitProbe(TestPostgres.Database db) throws SQLException {
    for (int i = 0; i < CONNECTIONS; i++) {
      Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
      c.setAutoCommit(true);
      connections.add(c);
    }
    try (Statement s = connections.peek().createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS perf_commit_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
    }
  }

  CommitProbe start() {
    long periodMicros = 1_000_000L / PER_SECOND;
    ticks.scheduleAtFixedRate(() -> {
      long dueNanos = System.nanoTime();
      long dueMillis = System.currentTimeMillis();
      workers.execute(() -> commit(dueNanos, dueMillis));
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
    return this;
  }

  private void commit(long dueNanos, long dueMillis) {
    Connection c = null;
    try {
      c = connections.take();
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO perf_commit_probe DEFAULT VALUES");
      }
      samples.add(new Sample(dueMillis, (System.nanoTime() - dueNanos) / 1e6));
    } catch (SQLException e) {
      failures++;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (c != null) {
        connections.add(c);
      }
    }
  }

  /** The commits due between {@code fromMillis} and {@code toMillis} (epoch ms), in the order they were due. */
  List<Sample> between(long fromMillis, long toMillis) {
    List<Sample> in = new ArrayList<>();
    for (Sample s : samples) {
      if (s.dueMillis() >= fromMillis && s.dueMillis() <= toMillis) {
        in.add(s);
      }
    }
    return in;
  }

  /** The p95 of the commits due in the window, or empty when none was. */
  Optional<Double> p95(long fromMillis, long toMillis) {
    double[] ms = between(fromMillis, toMillis).stream().mapToDouble(Sample::millis).sorted().toArray();
    if (ms.length == 0) {
      return Optional.empty();
    }
    return Optional.of(ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * 0.95) - 1)]);
  }

  int failures() {
    return failures;
  }

  @Override
  public void close() throws InterruptedException {
    ticks.shutdownNow();
    workers.shutdown();
    workers.awaitTermination(30, TimeUnit.SECONDS);
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing a probe connection: nothing to keep
      }
    }
  }
}
