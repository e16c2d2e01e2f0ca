package io.budgetgate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.alert.AlertLevel;
import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.AlertSource;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.http.ApiException;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.webhook.api.WebhookReply;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a verified LiteLLM event into an alert: the level comes from the payload's spend against
 * the tenant's own effective budget; the delivery record, alert row, outbox rows and audit
 * entries are written in one transaction; the reply never waits for email or Slack.
 */
public class WebhookService {
  static final String ACTOR = "litellm-webhook";

  private final org.jdbi.v3.core.Jdbi jdbi;
  private final TenantService tenants;
  private final BudgetService budgets;
  private final AlertService alerts;
  private final Outbox outbox;
  private final AuditLog audit;
  private final Clock clock;

  WebhookService(org.jdbi.v3.core.Jdbi jdbi, TenantService tenants, BudgetService budgets, AlertService alerts, Outbox outbox,
      AuditLog audit, Clock clock) {
    this.jdbi = jdbi;
    this.tenants = tenants;
    this.budgets = budgets;
    this.alerts = alerts;
    this.outbox = outbox;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * @param deliveryId the {@code webhook-id} (null for path-token deliveries, which have none)
   */
  WebhookReply accept(String deliveryId, JsonNode body, String rawBody) {
    LiteLlmEvent event = LiteLlmEvent.from(body);
    Tenant tenant = tenants.findForLiteLlm(event.keyAlias(), event.token(), event.teamId())
        .orElseThrow(() -> ApiException.notFound("unknown_tenant", "no tenant for key_alias=" + event.keyAlias()
            + ", token=" + (event.token() == null ? "null" : "<hash>") + ", team_id=" + event.teamId()));
    Optional<String> ignored = ignoredBecause(event);
    BudgetStatus status = ignored.isPresent() ? null : budgets.statusForSpend(tenant.tenantId(), event.spend());
    Optional<AlertLevel> level = status == null ? Optional.empty() : AlertLevel.of(status.state());
    String reason = ignored.orElse(level.isEmpty() ? "below the alert threshold (" + tenant.alertThreshold() + "%)" : null);
    Instant now = clock.instant();
    List<String> claimed = new ArrayList<>();
    WebhookReply reply;
    try {
      reply = jdbi.inTransaction(handle -> {
        if (deliveryId != null && handle.createUpdate("""
            INSERT INTO webhook_deliveries (webhook_id, received_at, tenant_id, outcome)
            VALUES (:id, :now, :tenantId, :outcome) ON CONFLICT (webhook_id) DO NOTHING""")
            .bind("id", deliveryId).bind("now", now).bind("tenantId", tenant.tenantId())
            .bind("outcome", level.isPresent() ? "accepted" : "ignored").execute() == 0) {
          return WebhookReply.duplicate();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("webhook_id", deliveryId);
        details.put("event", event.event());
        details.put("spend", event.spend());
        details.put("outcome", level.isPresent() ? "accepted" : "ignored");
        details.put("reason", reason);
        audit.record(handle, ACTOR, "webhook.received", tenant.tenantId(), details);
        if (level.isEmpty()) {
          return WebhookReply.ignored(reason);
        }
        AlertService.Raised raised = alerts.raise(handle, tenant, level.get(), status, AlertSource.WEBHOOK, event.event(),
            rawBody, claimed);
        return new WebhookReply("accepted", raised.alertId(), level.get().wireName(), raised.notified(), null);
      });
    } catch (RuntimeException e) {
      alerts.release(claimed);
      throw e;
    }
    if (!"duplicate".equals(reply.status())) {
      budgets.invalidate(tenant.tenantId());
    }
    if (Boolean.TRUE.equals(reply.notified())) {
      outbox.nudge();
    }
    return reply;
  }

  private static Optional<String> ignoredBecause(LiteLlmEvent event) {
    if (event.event().equals("spend_tracked")) {
      return Optional.of("spend_tracked reports one request's cost, not the tenant's spend");
    }
    if (!LiteLlmEvent.BUDGET_EVENTS.contains(event.event())) {
      return Optional.of("'" + event.event() + "' is not a budget event");
    }
    return Optional.empty();
  }
}
