package io.budgetgate.budget;

import io.budgetgate.budget.BudgetPeriodStore.Period;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the budget-period columns of {@code tenant_configs}. */
interface PeriodDao {
  String PERIOD = """
      SELECT tenant_id, budget_duration, budget_reset_at, litellm_key_last_reset, litellm_virtual_key
        FROM tenant_configs WHERE tenant_id = :tenantId""";

  @SqlQuery(PERIOD)
  Optional<Period> find(String tenantId);

  @SqlQuery(PERIOD + " FOR UPDATE")
  Optional<Period> lock(String tenantId);

  @SqlQuery("""
      SELECT tenant_id FROM tenant_configs
       WHERE budget_reset_at IS NOT NULL AND budget_reset_at <= :now
       ORDER BY budget_reset_at LIMIT :limit""")
  List<String> due(Instant now, int limit);

  @SqlUpdate("""
      UPDATE tenant_configs SET litellm_key_last_reset = :resetAt, budget_reset_at = :nextResetAt,
             version = version + 1, updated_at = :resetAt
       WHERE tenant_id = :tenantId""")
  int startPeriod(String tenantId, Instant resetAt, Instant nextResetAt);
}
