package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Every tenant's budget with its last recorded spend, in a fixed number of queries however many tenants there are. */
interface BudgetBoardDao {

  /**
   * One row per tenant. A spend sampled before the tenant's last reset is not carried into the new
   * period: the reset zeroed it, so the row says 0 as of the reset.
   */
  record BoardRow(String tenantId, String name, BigDecimal maxBudget, int alertThreshold, int graceThreshold,
      String budgetDuration, Instant budgetResetAt, Instant periodStart, BigDecimal spend, Instant spendAt,
      Instant litellmSyncPendingSince) {}

  /** A sample with its tenant, for reading several tenants' samples at once. */
  record TenantSample(String tenantId, Instant sampledAt, BigDecimal spend) {}

  @SqlQuery("""
      SELECT t.tenant_id, t.name, t.max_budget, t.alert_threshold, t.grace_threshold, t.budget_duration,
             t.budget_reset_at, COALESCE(t.litellm_key_last_reset, t.created_at) AS period_start,
             CASE WHEN s.sampled_at IS NULL AND t.litellm_key_last_reset IS NULL THEN NULL
                  WHEN s.sampled_at IS NULL OR s.sampled_at < t.litellm_key_last_reset THEN 0
                  ELSE s.spend END AS spend,
             CASE WHEN s.sampled_at IS NULL OR s.sampled_at < t.litellm_key_last_reset THEN t.litellm_key_last_reset
                  ELSE s.sampled_at END AS spend_at,
             t.litellm_sync_pending_since
        FROM tenant_configs t
        LEFT JOIN LATERAL (
             SELECT spend, sampled_at FROM spend_samples ss
              WHERE ss.tenant_id = t.tenant_id
              ORDER BY ss.sampled_at DESC LIMIT 1) s ON TRUE""")
  @RegisterConstructorMapper(BoardRow.class)
  List<BoardRow> tenants();

  @SqlQuery("""
      SELECT * FROM budget_overrides
       WHERE revoked_at IS NULL AND starts_at <= :now AND expires_at > :now""")
  List<BudgetOverride> liveOverrides(Instant now);

  @SqlQuery("""
      SELECT tenant_id, sampled_at, spend FROM spend_samples
       WHERE tenant_id = ANY(:tenantIds) AND sampled_at >= :from AND sampled_at <= :now""")
  @RegisterConstructorMapper(TenantSample.class)
  List<TenantSample> samples(List<String> tenantIds, Instant from, Instant now);
}
