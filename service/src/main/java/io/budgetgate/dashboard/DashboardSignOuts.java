package io.budgetgate.dashboard;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Sessions signed out before their expiry ({@code dashboard_signouts}), shared by every instance
 * through PostgreSQL: a session cookie copied before its owner signed out is refused afterwards.
 * Rows are pruned once the session would have expired anyway, so the table stays as small as the
 * number of sign-outs in the last session lifetime (8 h by default).
 */
final class DashboardSignOuts {
  private final Jdbi jdbi;

  DashboardSignOuts(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  interface Dao {
    @SqlUpdate("""
        INSERT INTO dashboard_signouts (session_hash, expires_at, signed_out_at)
        VALUES (:sessionHash, :expiresAt, :now) ON CONFLICT (session_hash) DO NOTHING""")
    void insert(String sessionHash, Instant expiresAt, Instant now);

    @SqlUpdate("DELETE FROM dashboard_signouts WHERE expires_at <= :now")
    int prune(Instant now);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM dashboard_signouts WHERE session_hash = :sessionHash)")
    boolean exists(String sessionHash);
  }

  /** Ends the session for good (idempotent), and forgets sign-outs whose sessions have expired. */
  void signOut(DashboardSessions.Session session, Instant now) {
    jdbi.useTransaction(handle -> {
      Dao dao = handle.attach(Dao.class);
      dao.insert(session.id(), session.expiresAt(), now);
      dao.prune(now);
    });
  }

  boolean signedOut(DashboardSessions.Session session) {
    return jdbi.withExtension(Dao.class, dao -> dao.exists(session.id()));
  }
}
