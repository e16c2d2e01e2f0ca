package io.budgetgate.webhook;

import io.budgetgate.alert.AlertService;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.notify.Outbox;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.slf4j.LoggerFactory;

/** Builds webhook intake: the signature verifier and both endpoints. */
public final class WebhookWiring {
  private WebhookWiring() {}

  public static void wire(WebhookConfig config, TenantService tenants, BudgetService budgets, AlertService alerts,
      Outbox outbox, AuditLog audit, Clock clock, Environment environment) {
    if (config.pathToken().isEmpty()) {
      LoggerFactory.getLogger(WebhookWiring.class).warn("webhook.pathToken (WEBHOOK_PATH_TOKEN) is empty: "
          + "POST /webhooks/litellm/{token} is off, so LiteLLM's native alerting (which cannot sign) cannot reach "
          + "BudgetGate; only signed deliveries are accepted. See docs/webhooks.md");
    }
    SignatureVerifier verifier = new SignatureVerifier(config.secret(), config.tolerance().toJavaDuration());
    WebhookService service = new WebhookService(tenants, budgets, alerts, outbox, audit, clock,
        environment.metrics());
    environment.jersey().register(new WebhookResource(service, verifier, config.pathToken(), environment.getObjectMapper(), clock));
  }
}
