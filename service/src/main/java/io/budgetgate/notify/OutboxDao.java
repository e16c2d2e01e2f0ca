package io.budgetgate.notify;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code notification_outbox}. */
interface OutboxDao {

  /**
   * A claimed delivery with what it takes to render it: an alert's figures, or (resetNotice not
   * null, alertId null) a budget reset notice.
   */
  record Delivery(
      long id, UUID alertId, String tenantId, String channel, String recipient, int attempts,
      String level, BigDecimal percentUsed, BigDecimal spend, BigDecimal effectiveBudget,
      String source, String tenantName, int alertThreshold, int graceThreshold, Instant budgetResetAt,
      Instant projectedBlockAt, ResetNotice resetNotice) {}

  /** What a budget reset notice says. */
  record ResetNotice(UUID id, BigDecimal finalSpend, BigDecimal effectiveBudget, Instant nextResetAt,
      String trigger) {}

  @SqlUpdate("""
      INSERT INTO notification_outbox (alert_id, tenant_id, channel, recipient, message, status, attempts, next_attempt_at,
                                       created_at)
      VALUES (:alertId, :tenantId, :channel, :recipient, CAST(:message AS jsonb), 'pending', 0, :now, :now)
      ON CONFLICT (alert_id, channel, recipient) DO NOTHING""")
  int insert(UUID alertId, String tenantId, String channel, String recipient, String message, Instant now);

  @SqlUpdate("""
      INSERT INTO notification_outbox (reset_notice_id, tenant_id, channel, recipient, message, status, attempts,
                                       next_attempt_at, created_at)
      VALUES (:noticeId, :tenantId, :channel, :recipient, CAST(:message AS jsonb), 'pending', 0, :now, :now)
      ON CONFLICT (reset_notice_id, channel, recipient) DO NOTHING""")
  int insertResetNotice(UUID noticeId, String tenantId, String channel, String recipient, String message, Instant now);

  /**
   * Claims due rows for this instance: moves their next attempt past a lease, so another instance
   * skips them now ({@code SKIP LOCKED}) and takes them over only if this one dies mid-send. A row's
   * figures come from its own {@code message}; the joined alert, notice and tenant columns are only
   * for rows queued before it existed (before changeset 0015, or by the previous version during a
   * rolling upgrade) and go once no such row can be pending.
   */
  @SqlQuery("""
      WITH due AS (
        SELECT id FROM notification_outbox
         WHERE status = 'pending' AND next_attempt_at <= :now
         ORDER BY next_attempt_at, id LIMIT :limit
         FOR UPDATE SKIP LOCKED),
      claimed AS (
        UPDATE notification_outbox o SET next_attempt_at = :leaseUntil, attempts = o.attempts + 1
          FROM due WHERE o.id = due.id
        RETURNING o.*)
      SELECT c.id, c.alert_id, c.reset_notice_id, c.tenant_id, c.channel, c.recipient, c.attempts, c.message::text AS message,
             a.level, a.percent_used, a.spend, a.effective_budget, a.source, a.projected_block_at,
             n.final_spend AS notice_final_spend, n.effective_budget AS notice_effective_budget,
             n.next_reset_at AS notice_next_reset_at, n.reset_trigger AS notice_trigger,
             t.name AS tenant_name, t.alert_threshold, t.grace_threshold, t.budget_reset_at
        FROM claimed c
        LEFT JOIN budget_alert_history a ON a.id = c.alert_id
        LEFT JOIN budget_reset_notices n ON n.id = c.reset_notice_id
        JOIN tenant_configs t ON t.tenant_id = c.tenant_id
       ORDER BY c.id""")
  List<Delivery> claim(Instant now, Instant leaseUntil, int limit);

  @SqlUpdate("UPDATE notification_outbox SET status = 'sent', sent_at = :now, last_error = NULL WHERE id = :id")
  int markSent(long id, Instant now);

  @SqlUpdate("UPDATE notification_outbox SET next_attempt_at = :nextAttemptAt, last_error = :error WHERE id = :id")
  int retryLater(long id, Instant nextAttemptAt, String error);

  @SqlUpdate("UPDATE notification_outbox SET status = 'failed', last_error = :error WHERE id = :id")
  int markFailed(long id, String error);

  @SqlQuery("SELECT count(*) FROM notification_outbox WHERE status = 'pending'")
  long pending();

  @SqlQuery("SELECT COALESCE(EXTRACT(EPOCH FROM (:now - min(created_at))), 0) FROM notification_outbox WHERE status = 'pending'")
  double oldestPendingSeconds(Instant now);
}
