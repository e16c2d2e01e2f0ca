package io.budgetgate.tenant;

import io.budgetgate.rules.BudgetLimits;
import io.budgetgate.tenant.api.TenantView;
import java.net.URI;

/** Turns a stored tenant into its API view, leaving the virtual key out and masking Slack's secret path. */
final class TenantViews {
  private TenantViews() {}

  static TenantView of(Tenant t) {
    BudgetLimits limits = t.baseLimits();
    return new TenantView(
        t.tenantId(), t.name(), t.maxBudget(), t.alertThreshold(), t.graceThreshold(),
        limits.alertAt(), limits.blockAt(), t.budgetDuration(), t.budgetResetAt(), t.litellmKeyLastReset(),
        t.litellmKeyAlias(), t.notificationEmails(), maskSlack(t.slackWebhookUrl()), t.createdAt(), t.updatedAt());
  }

  /** A Slack incoming-webhook URL is itself a credential: show only where it points. */
  static String maskSlack(String url) {
    if (url == null) {
      return null;
    }
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getAuthority() + "/****";
  }
}
