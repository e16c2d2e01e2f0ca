package io.budgetgate.reset;

import io.budgetgate.litellm.VirtualKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the budget-period columns of {@code tenant_configs} and for {@code budget_reset_notices}. */
interface ResetDao {

  /** One tenant's period. */
  record PeriodRow(String tenantId, String budgetDuration, Instant budgetResetAt, Instant lastReset, VirtualKey key) {
    /** Whether {@code other} is the same period (nobody started a new one in between). */
    boolean samePeriod(PeriodRow other) {
      return Objects.equals(budgetResetAt, other.budgetResetAt)
          && Objects.equals(lastReset, other.lastReset)
          && Objects.equals(budgetDuration, other.budgetDuration);
    }
  }

  String PERIOD = """
      SELECT tenant_id, budget_duration, budget_reset_at, litellm_key_last_reset, litellm_virtual_key
        FROM tenant_configs WHERE tenant_id = :tenantId""";

  @SqlQuery(PERIOD)
  Optional<PeriodRow> find(String tenantId);

  /** The period, locked until the transaction ends. */
  @SqlQuery(PERIOD + " FOR UPDATE")
  Optional<PeriodRow> lock(String tenantId);

  @SqlQuery("""
      SELECT tenant_id FROM tenant_configs
       WHERE budget_reset_at IS NOT NULL AND budget_reset_at <= :now
       ORDER BY budget_reset_at LIMIT :limit""")
  List<String> due(Instant now, int limit);

  @SqlUpdate("""
      UPDATE tenant_configs SET litellm_key_last_reset = :resetAt, budget_reset_at = :nextResetAt,
             version = version + 1, updated_at = :resetAt
       WHERE tenant_id = :tenantId""")
  int recordReset(String tenantId, Instant resetAt, Instant nextResetAt);

  /** The notice of the period starting at {@code periodStart}; empty when it already exists (the dedup). */
  @SqlQuery("""
      INSERT INTO budget_reset_notices (id, tenant_id, period_start, previous_period_start, final_spend, effective_budget,
                                        next_reset_at, reset_trigger, created_at)
      VALUES (:id, :tenantId, :periodStart, :previousPeriodStart, :finalSpend, :effectiveBudget, :nextResetAt, :trigger,
              :createdAt)
      ON CONFLICT (tenant_id, period_start) DO NOTHING
      RETURNING id""")
  Optional<UUID> insertNotice(UUID id, String tenantId, Instant periodStart, Instant previousPeriodStart,
      BigDecimal finalSpend, BigDecimal effectiveBudget, Instant nextResetAt, String trigger, Instant createdAt);
}
