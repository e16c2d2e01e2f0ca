package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the budget columns of {@code tenant_configs} and for {@code budget_overrides}. */
interface BudgetDao {
  String ROW = """
      SELECT tenant_id, max_budget, alert_threshold, grace_threshold, budget_duration, budget_reset_at,
             litellm_key_last_reset, litellm_virtual_key, version,
             litellm_sync_pending_since, litellm_sync_generation, litellm_sync_duration
        FROM tenant_configs WHERE tenant_id = :tenantId""";

  @SqlQuery(ROW)
  Optional<BudgetRow> find(String tenantId);

  /** Several tenants' rows at once (the reconciler's page). */
  @SqlQuery("""
      SELECT tenant_id, max_budget, alert_threshold, grace_threshold, budget_duration, budget_reset_at,
             litellm_key_last_reset, litellm_virtual_key, version,
             litellm_sync_pending_since, litellm_sync_generation, litellm_sync_duration
        FROM tenant_configs WHERE tenant_id = ANY(:tenantIds)""")
  List<BudgetRow> findAll(List<String> tenantIds);

  /** Several tenants' overrides that can still count. */
  @SqlQuery("""
      SELECT * FROM budget_overrides
       WHERE tenant_id = ANY(:tenantIds) AND revoked_at IS NULL AND expires_at > :now
       ORDER BY starts_at""")
  List<BudgetOverride> liveOverridesOf(List<String> tenantIds, Instant now);

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

  /**
   * In the transaction of a change: the key must follow (again). Bumps the generation, so a sync
   * of an earlier change that finishes later cannot mark this one done.
   */
  @SqlUpdate("""
      UPDATE tenant_configs
         SET litellm_sync_generation = litellm_sync_generation + 1,
             litellm_sync_pending_since = COALESCE(litellm_sync_pending_since, :now),
             litellm_sync_duration = litellm_sync_duration OR :duration,
             litellm_sync_attempts = 0, litellm_sync_next_at = :now, litellm_sync_error = NULL
       WHERE tenant_id = :tenantId""")
  int wantSync(String tenantId, boolean duration, Instant now);

  /** LiteLLM took {@code amount} for the change of {@code generation}: the key is in sync, unless a newer change came. */
  @SqlUpdate("""
      UPDATE tenant_configs
         SET litellm_synced_max_budget = :amount, litellm_sync_pending_since = NULL, litellm_sync_duration = FALSE,
             litellm_sync_attempts = 0, litellm_sync_next_at = NULL, litellm_sync_error = NULL
       WHERE tenant_id = :tenantId AND litellm_sync_generation = :generation""")
  int markSynced(String tenantId, long generation, BigDecimal amount);

  /**
   * A write to the key finished after a newer change was committed, so it may have overwritten a
   * newer value: what the key holds is unknown until the sync writes the current one again.
   */
  @SqlUpdate("""
      UPDATE tenant_configs
         SET litellm_synced_max_budget = NULL, litellm_sync_generation = litellm_sync_generation + 1,
             litellm_sync_pending_since = COALESCE(litellm_sync_pending_since, :now), litellm_sync_next_at = :now
       WHERE tenant_id = :tenantId""")
  int syncOvertaken(String tenantId, Instant now);

  /**
   * A sync attempt failed: counted, and tried again by the next round ({@code backoff} false) or
   * after 5 s, 10 s, 20 s ... at most 5 min. Returns the attempts so far, empty when a newer
   * change came in between.
   */
  @SqlQuery("""
      UPDATE tenant_configs
         SET litellm_sync_attempts = litellm_sync_attempts + 1, litellm_sync_error = :error,
             litellm_sync_next_at = CASE WHEN CAST(:backoff AS BOOLEAN)
               THEN CAST(:now AS TIMESTAMPTZ)
                    + LEAST(make_interval(secs => 5 * power(2, LEAST(litellm_sync_attempts, 10))), interval '5 minutes')
               ELSE CAST(:now AS TIMESTAMPTZ) END
       WHERE tenant_id = :tenantId AND litellm_sync_generation = :generation
      RETURNING litellm_sync_attempts""")
  Optional<Integer> syncFailed(String tenantId, long generation, String error, boolean backoff, Instant now);

  /**
   * LiteLLM lists the key with another max_budget than BudgetGate last wrote (changed in LiteLLM,
   * or a write lost on the way): pending again, so the sync writes and reads it back.
   */
  @SqlUpdate("""
      UPDATE tenant_configs
         SET litellm_synced_max_budget = NULL, litellm_sync_generation = litellm_sync_generation + 1,
             litellm_sync_pending_since = :now, litellm_sync_next_at = :now,
             litellm_sync_error = :error
       WHERE tenant_id = :tenantId AND litellm_sync_generation = :generation AND litellm_sync_pending_since IS NULL""")
  int syncDrifted(String tenantId, long generation, String error, Instant now);

  /** A key in sync as last confirmed, with what its tenant's budget is now. */
  record SyncedKey(String tenantId, BigDecimal maxBudget, int alertThreshold, int graceThreshold,
      BigDecimal overrideTotal, BigDecimal syncedMaxBudget) {}

  /**
   * The keys not pending whose block_at can have moved without any change of the row: those of
   * tenants with an override (one may have started or expired since the last sync) and those never
   * confirmed. Whether it did move is the rules' to say ({@code BudgetLimits}), not this query's.
   */
  @SqlQuery("""
      SELECT c.tenant_id, c.max_budget, c.alert_threshold, c.grace_threshold, c.litellm_synced_max_budget AS synced_max_budget,
             COALESCE((SELECT SUM(o.amount) FROM budget_overrides o
                        WHERE o.tenant_id = c.tenant_id AND o.revoked_at IS NULL
                          AND o.starts_at <= :now AND o.expires_at > :now), 0) AS override_total
        FROM tenant_configs c
       WHERE c.litellm_sync_pending_since IS NULL
         AND (c.litellm_synced_max_budget IS NULL
              OR EXISTS (SELECT 1 FROM budget_overrides o WHERE o.tenant_id = c.tenant_id))""")
  @RegisterConstructorMapper(SyncedKey.class)
  List<SyncedKey> keysThatMayHaveMoved(Instant now);

  /** Marks these keys pending (unless they already are), for the sync to write them now. */
  @SqlUpdate("""
      UPDATE tenant_configs SET litellm_sync_pending_since = :now, litellm_sync_next_at = :now
       WHERE tenant_id = ANY(:tenantIds) AND litellm_sync_pending_since IS NULL""")
  int markPending(List<String> tenantIds, Instant now);

  /** Pending keys whose next attempt is due, oldest first. */
  @SqlQuery("""
      SELECT tenant_id FROM tenant_configs
       WHERE litellm_sync_pending_since IS NOT NULL AND COALESCE(litellm_sync_next_at, :now) <= :now
       ORDER BY litellm_sync_pending_since, tenant_id LIMIT :limit""")
  List<String> syncsDue(Instant now, int limit);

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
