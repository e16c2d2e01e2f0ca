package io.budgetgate.budget;

import io.budgetgate.litellm.VirtualKey;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The budget columns of one {@code tenant_configs} row, with the tenant's key and where its key
 * sync stands.
 *
 * @param syncPendingSince since when a change has been on its way to the LiteLLM key; null when
 *     the key is known to hold {@code litellm_synced_max_budget}
 * @param syncGeneration bumped by every change the key must follow
 * @param syncDuration whether the budget_duration must be written to the key too
 */
record BudgetRow(
    String tenantId,
    BigDecimal maxBudget,
    int alertThreshold,
    int graceThreshold,
    String budgetDuration,
    Instant budgetResetAt,
    Instant litellmKeyLastReset,
    VirtualKey virtualKey,
    long version,
    Instant syncPendingSince,
    long syncGeneration,
    boolean syncDuration) {}
