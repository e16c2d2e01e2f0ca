package io.budgetgate.webhook;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.alert.AlertLevel;
import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.AlertSource;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.webhook.api.WebhookReply;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Turns a verified LiteLLM event into an alert: the level comes from the payload's spend against
 * the tenant's own effective budget; the delivery record, alert row, outbox rows and audit
 * entries are written in one transaction; the reply never waits for email or Slack. Events that
 * are not a tenant key's budget event are answered {@code ignored} with a stable reason, store
 * nothing, and are counted ({@code webhooks.ignored.<reason>}).
 */
public class WebhookService {
  static final String ACTOR = "litellm-webhook";

  private final TenantService tenants;
  private final BudgetService budgets;
  private final AlertService alerts;
  private final Outbox outbox;
  private final AuditLog audit;
  private final Clock clock;
  private final Map<LiteLlmEvent.Ignored, Counter> ignoredCounters = new EnumMap<>(LiteLlmEvent.Ignored.class);

  WebhookService(TenantService tenants, BudgetService budgets, AlertService alerts, Outbox outbox,
      AuditLog audit, Clock clock, MetricRegistry metrics) {
    for (LiteLlmEvent.Ignored reason : LiteLlmEvent.Ignored.values()) {
      ignoredCounters.put(reason, metrics.counter("webhooks.ignored." + reason.code()));
    }
    this.tenants = tenants;
    this.budgets = budgets;
    this.alerts = alerts;
    this.outbox = outbox;
    this.audit = audit;
    this.clock = clock;
  }

  /** Which endpoint a delivery came through: they differ only in what an unknown key gets. */
  enum Intake {
    /** Standard Webhooks: a sender treats 4xx as final, so an unknown tenant is 404. */
    SIGNED,
    /** LiteLLM's native sender: it fires again after any non-2xx, so an unknown key is 200 ignored. */
    PATH_TOKEN
  }

  /**
   * @param deliveryId the {@code webhook-id} (null for path-token deliveries, which have none)
   */
  WebhookReply accept(String deliveryId, JsonNode body, String rawBody, Intake intake) {
    LiteLlmEvent event = LiteLlmEvent.from(body);
    Optional<LiteLlmEvent.Ignored> notOurs = event.notATenantEvent();
    if (notOurs.isPresent()) {
      return ignored(notOurs.get(), notOurs.get() == LiteLlmEvent.Ignored.NOT_A_KEY_EVENT
          ? "event_group '" + event.eventGroup() + "' is another entity's budget, not a tenant key's"
          : "'" + event.event() + "' is not a budget event");
    }
    Optional<Tenant> found = tenants.findForLiteLlm(event.keyAlias(), event.token());
    if (found.isEmpty()) {
      String which = event.token() != null ? "token=<hash>" : "key_alias=" + event.keyAlias();
      if (intake == Intake.PATH_TOKEN) {
        return ignored(LiteLlmEvent.Ignored.UNKNOWN_KEY, "no tenant of BudgetGate's has the key " + which);
      }
      throw ServiceException.notFound("unknown_tenant", "no tenant has the key " + which);
    }
    WebhookReply reply = record(deliveryId, event, found.get(), rawBody);
    if (reply.status().equals("duplicate")) {
      return reply;
    }
    budgets.invalidate(found.get().tenantId());
    if (reply.status().equals("ignored")) {
      ignoredCounters.get(LiteLlmEvent.Ignored.BELOW_ALERT_THRESHOLD).inc(); // counted once committed
    } else if (Boolean.TRUE.equals(reply.notified())) {
      outbox.nudge();
    }
    return reply;
  }

  /** The delivery record, audit entry and (at an alert level) the alert with its outbox rows, in one transaction. */
  private WebhookReply record(String deliveryId, LiteLlmEvent event, Tenant tenant, String rawBody) {
    BudgetStanding status = budgets.statusForSpend(tenant.tenantId(), event.spend());
    Optional<AlertLevel> level = AlertLevel.of(status.state());
    String outcome = level.isPresent() ? "accepted" : "ignored";
    Instant now = clock.instant();
    return alerts.inTransaction(tx -> {
      Handle handle = tx.handle();
      if (deliveryId != null && handle.createUpdate("""
          INSERT INTO webhook_deliveries (webhook_id, received_at, tenant_id, outcome)
          VALUES (:id, :now, :tenantId, :outcome) ON CONFLICT (webhook_id) DO NOTHING""")
          .bind("id", deliveryId).bind("now", now).bind("tenantId", tenant.tenantId())
          .bind("outcome", outcome).execute() == 0) {
        return WebhookReply.duplicate();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("webhook_id", deliveryId);
      details.put("event", event.event());
      details.put("spend", event.spend());
      details.put("outcome", outcome);
      details.put("reason", level.isEmpty() ? LiteLlmEvent.Ignored.BELOW_ALERT_THRESHOLD.code() : null);
      audit.record(handle, ACTOR, "webhook.received", tenant.tenantId(), details);
      if (level.isEmpty()) {
        return WebhookReply.ignored(LiteLlmEvent.Ignored.BELOW_ALERT_THRESHOLD.code(), "spend "
            + event.spend().toPlainString() + " is below the alert threshold (" + tenant.alertThreshold()
            + "%) of tenant '" + tenant.tenantId() + "'");
      }
      AlertService.Raised raised = tx.raise(tenant, level.get(), status, AlertSource.WEBHOOK, event.event(), rawBody);
      return new WebhookReply("accepted", raised.alertId(), level.get().wireName(), raised.notified(), null, null);
    });
  }

  private WebhookReply ignored(LiteLlmEvent.Ignored reason, String message) {
    ignoredCounters.get(reason).inc();
    return WebhookReply.ignored(reason.code(), message);
  }
}
