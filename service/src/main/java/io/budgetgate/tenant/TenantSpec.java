package io.budgetgate.tenant;

import io.budgetgate.rules.BudgetLimits;
import java.math.BigDecimal;
import java.util.List;

/** A validated creation request with defaults filled in: safe to provision and store. */
record TenantSpec(
    String tenantId,
    String name,
    BigDecimal maxBudget,
    int alertThreshold,
    int graceThreshold,
    String budgetDuration,
    List<String> notificationEmails,
    String slackWebhookUrl) {

  TenantSpec {
    notificationEmails = List.copyOf(notificationEmails);
  }

  BudgetLimits limits() {
    return new BudgetLimits(maxBudget, alertThreshold, graceThreshold);
  }
}
