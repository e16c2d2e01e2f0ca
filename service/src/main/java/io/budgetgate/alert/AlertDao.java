package io.budgetgate.alert;

import io.budgetgate.alert.api.AlertView;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code budget_alert_history}. */
interface AlertDao {

  @SqlUpdate("""
      INSERT INTO budget_alert_history (id, tenant_id, level, percent_used, spend, effective_budget, source,
                                        litellm_event, period_start, raw_payload, notification_suppressed,
                                        suppression_reason, projected_block_at, created_at)
      VALUES (:id, :tenantId, :level, :percentUsed, :spend, :effectiveBudget, :source, :litellmEvent, :periodStart,
              CAST(:rawPayload AS jsonb), :suppressed, :suppressionReason, :projectedBlockAt, :createdAt)""")
  void insert(UUID id, String tenantId, String level, BigDecimal percentUsed, BigDecimal spend, BigDecimal effectiveBudget,
      String source, String litellmEvent, Instant periodStart, String rawPayload, boolean suppressed,
      String suppressionReason, Instant projectedBlockAt, Instant createdAt);

  @SqlQuery("""
      SELECT id, tenant_id, level, percent_used, spend, effective_budget, source, litellm_event, period_start,
             NOT notification_suppressed AS notified, suppression_reason, created_at, projected_block_at
        FROM budget_alert_history WHERE tenant_id = :tenantId
       ORDER BY created_at DESC, id LIMIT :limit""")
  List<AlertView> recent(String tenantId, int limit);

  /** The highest level already raised for this tenant in this period (the order is {@link AlertLevel}'s). */
  default Optional<AlertLevel> highestLevel(String tenantId, Instant periodStart) {
    return levelsRaised(tenantId, periodStart).stream().map(AlertLevel::parse).max(Comparator.naturalOrder());
  }

  /** The levels already raised for this tenant in this period. */
  @SqlQuery("""
      SELECT DISTINCT level FROM budget_alert_history
       WHERE tenant_id = :tenantId AND period_start = :periodStart""")
  List<String> levelsRaised(String tenantId, Instant periodStart);

  /**
   * Whether an alert of this level in this period notified since {@code since}: the dedup window
   * as PostgreSQL remembers it, for when Redis did not answer or did not hold the claim.
   */
  @SqlQuery("""
      SELECT EXISTS (SELECT 1 FROM budget_alert_history
                      WHERE tenant_id = :tenantId AND level = :level AND period_start = :periodStart
                        AND NOT notification_suppressed AND created_at > :since)""")
  boolean notifiedSince(String tenantId, String level, Instant periodStart, Instant since);
}
