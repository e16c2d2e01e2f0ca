package io.budgetgate.reset;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** SQL for {@code budget_reset_notices}. */
interface ResetDao {

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
