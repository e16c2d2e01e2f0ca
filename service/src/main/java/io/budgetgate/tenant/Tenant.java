package io.budgetgate.tenant;

import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.rules.BudgetLimits;
import io.budgetgate.rules.BudgetPeriods;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A tenant as stored in {@code tenant_configs}.
 *
 * @param virtualKey the tenant's LiteLLM key; masked when printed
 */
public record Tenant(
    String tenantId,
    String name,
    BigDecimal maxBudget,
    int alertThreshold,
    int graceThreshold,
    String budgetDuration,
    Instant budgetResetAt,
    Instant litellmKeyLastReset,
    String litellmKeyAlias,
    String litellmKeyHash,
    VirtualKey virtualKey,
    List<String> notificationEmails,
    String slackWebhookUrl,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public Tenant {
    notificationEmails = List.copyOf(notificationEmails);
  }

  /** When the current budget period started: the last reset, or the tenant's creation. */
  public Instant periodStart() {
    return BudgetPeriods.periodStart(litellmKeyLastReset, createdAt);
  }

  /** The tenant's own budget and thresholds, before overrides. */
  public BudgetLimits baseLimits() {
    return new BudgetLimits(maxBudget, alertThreshold, graceThreshold);
  }
}
