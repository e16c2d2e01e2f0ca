package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Every tenant, page by page, with what its LiteLLM key should hold: for the reconciler, which
 * compares them with LiteLLM's key list. Budget owns these columns of {@code tenant_configs}.
 */
public final class TenantPages {

  /**
   * A tenant and its key's hash, with the max_budget BudgetGate last confirmed on the key (null
   * when unknown), whether a change is still on its way to it (and which change), and when the
   * tenant's current period began.
   */
  public record KeyedTenant(String tenantId, String keyHash, BigDecimal syncedMaxBudget, boolean syncPending,
      long syncGeneration, Instant periodStart) {}

  private final Jdbi jdbi;

  TenantPages(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public int count() {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM tenant_configs").mapTo(Integer.class).one());
  }

  /** Up to {@code limit} tenants after {@code after} in id order; one short query. */
  public List<KeyedTenant> after(String after, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("""
            SELECT tenant_id, litellm_key_hash, litellm_synced_max_budget, litellm_sync_pending_since IS NOT NULL AS pending,
                   litellm_sync_generation, COALESCE(litellm_key_last_reset, created_at) AS period_start
              FROM tenant_configs
             WHERE tenant_id > :after ORDER BY tenant_id LIMIT :limit""")
        .bind("after", after).bind("limit", limit)
        .map((rs, ctx) -> new KeyedTenant(rs.getString("tenant_id"), rs.getString("litellm_key_hash"),
            rs.getBigDecimal("litellm_synced_max_budget"), rs.getBoolean("pending"), rs.getLong("litellm_sync_generation"),
            rs.getTimestamp("period_start").toInstant()))
        .list());
  }
}
