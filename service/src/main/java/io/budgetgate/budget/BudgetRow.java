package io.budgetgate.budget;

import io.budgetgate.litellm.VirtualKey;
import java.math.BigDecimal;
import java.time.Instant;

/** The budget columns of one {@code tenant_configs} row, with the tenant's key. */
record BudgetRow(
    String tenantId,
    BigDecimal maxBudget,
    int alertThreshold,
    int graceThreshold,
    String budgetDuration,
    Instant budgetResetAt,
    Instant litellmKeyLastReset,
    VirtualKey virtualKey,
    long version) {}
