package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the budget columns of {@code tenant_configs} and for {@code budget_overrides}. */
interface BudgetDao {
  String ROW = """
      SELECT tenant_id, max_budget, alert_threshold, grace_threshold, budget_duration, budget_reset_at,
             litellm_key_last_reset, litellm_virtual_key, version
        FROM tenant_configs WHERE tenant_id = :tenantId""";

  @SqlQuery(ROW)
  Optional<BudgetRow> find(String tenantId);

  /** The row, locked until the transaction ends: budget changes of one tenant take turns. */
  @SqlQuery(ROW + " FOR UPDATE")
  Optional<BudgetRow> lock(String tenantId);

  @SqlUpdate("""
      UPDATE tenant_configs
         SET max_budget = :maxBudget, alert_threshold = :alertThreshold, grace_threshold = :graceThreshold,
             budget_duration = :budgetDuration, budget_reset_at = :budgetResetAt,
             version = version + 1, updated_at = :now
       WHERE tenant_id = :tenantId""")
  int updateBudget(String tenantId, BigDecimal maxBudget, int alertThreshold, int graceThreshold,
      String budgetDuration, Instant budgetResetAt, Instant now);

  @SqlUpdate("UPDATE tenant_configs SET litellm_synced_max_budget = :amount WHERE tenant_id = :tenantId")
  int markSynced(String tenantId, BigDecimal amount);

  /** Tenants whose LiteLLM key max_budget differs from today's block_at (an override started or ended). */
  @SqlQuery("""
      SELECT t.tenant_id
        FROM tenant_configs t
        LEFT JOIN LATERAL (
             SELECT COALESCE(SUM(o.amount), 0) AS total FROM budget_overrides o
              WHERE o.tenant_id = t.tenant_id AND o.revoked_at IS NULL
                AND o.starts_at <= :now AND o.expires_at > :now) o ON TRUE
       WHERE t.litellm_synced_max_budget IS DISTINCT FROM (t.max_budget + o.total) * t.grace_threshold / 100
       ORDER BY t.tenant_id LIMIT :limit""")
  List<String> keysOutOfSync(Instant now, int limit);

  @SqlUpdate("""
      INSERT INTO budget_overrides (id, tenant_id, amount, reason, starts_at, expires_at, created_by, created_at)
      VALUES (:id, :tenantId, :amount, :reason, :startsAt, :expiresAt, :createdBy, :createdAt)""")
  void insertOverride(UUID id, String tenantId, BigDecimal amount, String reason, Instant startsAt,
      Instant expiresAt, String createdBy, Instant createdAt);

  @SqlQuery("SELECT * FROM budget_overrides WHERE tenant_id = :tenantId ORDER BY created_at DESC, id")
  List<BudgetOverride> overrides(String tenantId);

  @SqlQuery("SELECT * FROM budget_overrides WHERE id = :id AND tenant_id = :tenantId")
  Optional<BudgetOverride> override(String tenantId, UUID id);

  /** Overrides that can still count: not revoked and not yet expired. */
  @SqlQuery("""
      SELECT * FROM budget_overrides
       WHERE tenant_id = :tenantId AND revoked_at IS NULL AND expires_at > :now
       ORDER BY starts_at""")
  List<BudgetOverride> liveOverrides(String tenantId, Instant now);

  @SqlUpdate("""
      UPDATE budget_overrides SET revoked_at = :now, revoked_by = :revokedBy
       WHERE id = :id AND tenant_id = :tenantId AND revoked_at IS NULL""")
  int revoke(String tenantId, UUID id, String revokedBy, Instant now);
}
