package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code budget_reservations}. A hold is decided and made by one conditional INSERT, run after the
 * tenant's row is locked in the same transaction: under PostgreSQL's read committed, that INSERT
 * is a new statement with a new snapshot, so it sees every hold committed by whoever held the lock
 * before (never check-then-act across transactions).
 */
interface ReservationDao {

  /**
   * The tenant's held and settled rows that still count in time at {@code :now}, each with what it
   * counts, until when, and the settled amounts at or after it (newest first).
   */
  String OPEN_ROWS = """
      SELECT r.status, r.spend_at_hold,
             CASE WHEN r.status = 'held' THEN r.amount ELSE r.actual_cost END AS counted,
             CASE WHEN r.status = 'held' THEN r.expires_at ELSE r.counts_until END AS until,
             SUM(CASE WHEN r.status = 'settled' THEN r.actual_cost ELSE 0 END) OVER (ORDER BY r.seq DESC) AS settled_since
        FROM budget_reservations r
       WHERE r.tenant_id = :tenantId AND r.status IN ('held', 'settled')
         AND CASE WHEN r.status = 'held' THEN r.expires_at ELSE r.counts_until END > :now""";

  /**
   * What the tenant's open reservations hold at {@code :now} with the recorded spend {@code :spend}
   * (the rule of {@link io.budgetgate.rules.ReservedAmount}): holds until they expire, settled
   * amounts until the spend reaches their spend_at_hold plus everything settled at or after them,
   * or their counts_until passes; and the first instant one of the counted rows stops counting
   * (null when none counts): until then, with this spend, the amount cannot drop.
   */
  String COUNTED = """
      SELECT COALESCE(SUM(o.counted), 0) AS reserved, MIN(o.until) AS until FROM (""" + OPEN_ROWS + """
      ) o WHERE o.status = 'held' OR CAST(:spend AS NUMERIC) < o.spend_at_hold + o.settled_since""";

  /** {@link #COUNTED}'s amount as a scalar subquery. */
  String RESERVED = "(SELECT reserved FROM (" + COUNTED + ") c)";

  /** What is counted for a tenant: the amount reserved, and the first instant it could drop (null: nothing counts). */
  record Counted(BigDecimal reserved, Instant until) {
    static final Counted NOTHING = new Counted(BigDecimal.ZERO, null);
  }

  /** A hold's outcome: what was counted before it, and whether it was made. */
  record Held(BigDecimal reserved, Instant until, boolean made) {}

  /** Locks the tenant's row until the transaction ends: holds of one tenant take turns. */
  @SqlQuery("SELECT tenant_id FROM tenant_configs WHERE tenant_id = :tenantId FOR UPDATE")
  Optional<String> lockTenant(String tenantId);

  @SqlQuery("SELECT EXISTS (SELECT 1 FROM tenant_configs WHERE tenant_id = :tenantId)")
  boolean tenantExists(String tenantId);

  @SqlQuery("SELECT " + RESERVED)
  BigDecimal reserved(String tenantId, BigDecimal spend, Instant now);

  @SqlQuery(COUNTED)
  @RegisterConstructorMapper(Counted.class)
  Counted counted(String tenantId, BigDecimal spend, Instant now);

  /**
   * Holds {@code amount} if {@code spend + reserved + amount <= blockAt}, in one statement that
   * counts the open rows once: what was counted before, and whether the hold was made.
   */
  @SqlQuery("""
      WITH counted AS (""" + COUNTED + """
      ), made AS (
        INSERT INTO budget_reservations (id, tenant_id, request_id, status, amount, spend_at_hold, created_at, expires_at)
        SELECT :id, :tenantId, :requestId, 'held', :amount, :spend, :now, :expiresAt FROM counted
         WHERE CAST(:spend AS NUMERIC) + counted.reserved + :amount <= :blockAt
        RETURNING id)
      SELECT counted.reserved, counted.until, EXISTS (SELECT 1 FROM made) AS made FROM counted""")
  @RegisterConstructorMapper(Held.class)
  Held hold(UUID id, String tenantId, String requestId, BigDecimal amount, BigDecimal spend, BigDecimal blockAt,
      Instant now, Instant expiresAt);

  /** A refusal of a request with a request_id, kept so the same id gets the same answer. */
  @SqlUpdate("""
      INSERT INTO budget_reservations (id, tenant_id, request_id, status, amount, spend_at_hold, refused_reason,
                                       created_at, expires_at, ended_at)
      VALUES (:id, :tenantId, :requestId, 'refused', :amount, :spend, :reason, :now, :now, :now)""")
  void refuse(UUID id, String tenantId, String requestId, BigDecimal amount, BigDecimal spend, String reason, Instant now);

  @SqlQuery("SELECT * FROM budget_reservations WHERE tenant_id = :tenantId AND request_id = :requestId")
  Optional<ReservationRow> byRequest(String tenantId, String requestId);

  @SqlQuery("SELECT * FROM budget_reservations WHERE tenant_id = :tenantId AND id = :id <lock>")
  Optional<ReservationRow> byId(String tenantId, UUID id, @Define("lock") String lock);

  /** The held and settled rows that still count at {@code now} (what {@link io.budgetgate.rules.ReservedAmount} counts). */
  @SqlQuery("""
      SELECT * FROM budget_reservations
       WHERE tenant_id = :tenantId AND status IN ('held', 'settled')
         AND CASE WHEN status = 'held' THEN expires_at ELSE counts_until END > :now
       ORDER BY seq""")
  List<ReservationRow> open(String tenantId, Instant now);

  /** The open ones and those that ended or were made since {@code since}, newest first. */
  @SqlQuery("""
      SELECT * FROM budget_reservations
       WHERE tenant_id = :tenantId AND (status IN ('held', 'settled') OR created_at >= :since OR ended_at >= :since)
       ORDER BY seq DESC LIMIT :limit""")
  List<ReservationRow> recent(String tenantId, Instant since, int limit);

  /** Settles a held (or expired) reservation; the row as it is now. */
  @SqlQuery("""
      UPDATE budget_reservations SET status = 'settled', actual_cost = :actual, settled_at = :now, counts_until = :countsUntil,
                                     ended_at = NULL
       WHERE id = :id AND status IN ('held', 'expired')
      RETURNING *""")
  Optional<ReservationRow> settle(UUID id, BigDecimal actual, Instant now, Instant countsUntil);

  @SqlUpdate("UPDATE budget_reservations SET status = 'released', ended_at = :now WHERE id = :id AND status IN ('held', 'expired')")
  int release(UUID id, Instant now);

  /**
   * Holds past their expiry become expired; the tenants they belonged to, once per hold. Rows
   * another instance's sweep (or a settle) has locked are skipped, so two sweeps never wait on
   * each other or deadlock: the next round takes what is left.
   */
  @SqlQuery("""
      UPDATE budget_reservations SET status = 'expired', ended_at = expires_at
       WHERE id IN (SELECT id FROM budget_reservations WHERE status = 'held' AND expires_at <= :now
                      FOR UPDATE SKIP LOCKED)
      RETURNING tenant_id""")
  List<String> expire(Instant now);

  /** Settled amounts past their settle lag become recorded; their tenants (locked rows skipped, as above). */
  @SqlQuery("""
      UPDATE budget_reservations SET status = 'recorded', ended_at = counts_until
       WHERE id IN (SELECT id FROM budget_reservations WHERE status = 'settled' AND counts_until <= :now
                      FOR UPDATE SKIP LOCKED)
      RETURNING tenant_id""")
  List<String> lapse(Instant now);

  /** Ended rows older than {@code before}: the reservations table keeps what the list and the metrics need. */
  @SqlUpdate("DELETE FROM budget_reservations WHERE status NOT IN ('held', 'settled') AND ended_at < :before")
  int prune(Instant before);
}
