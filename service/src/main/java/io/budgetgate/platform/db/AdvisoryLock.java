package io.budgetgate.platform.db;

import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A PostgreSQL session advisory lock around a job's round, so that of several instances exactly
 * one runs it at a time; the others skip the round instead of waiting.
 */
public final class AdvisoryLock {
  private AdvisoryLock() {}

  /** Runs {@code work} holding lock {@code id}; empty when another session holds it. */
  public static <T> Optional<T> tryWith(Jdbi jdbi, long id, Function<Handle, T> work) {
    return jdbi.withHandle(handle -> {
      if (!handle.createQuery("SELECT pg_try_advisory_lock(:id)").bind("id", id).mapTo(Boolean.class).one()) {
        return Optional.empty();
      }
      try {
        return Optional.ofNullable(work.apply(handle));
      } finally {
        handle.createQuery("SELECT pg_advisory_unlock(:id)").bind("id", id).mapTo(Boolean.class).one();
      }
    });
  }
}
