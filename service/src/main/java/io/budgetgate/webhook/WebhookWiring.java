package io.budgetgate.webhook;

import io.budgetgate.alert.AlertService;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.notify.Outbox;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** Builds webhook intake: the signature verifier and both endpoints. */
public final class WebhookWiring {
  private WebhookWiring() {}

  public static void wire(Jdbi jdbi, WebhookConfig config, TenantService tenants, BudgetService budgets, AlertService alerts,
      Outbox outbox, AuditLog audit, Clock clock, Environment environment) {
    SignatureVerifier verifier = new SignatureVerifier(config.secret(), Duration.ofMillis(config.tolerance().toMilliseconds()));
    WebhookService service = new WebhookService(jdbi, tenants, budgets, alerts, outbox, audit, clock);
    environment.jersey().register(new WebhookResource(service, verifier, config.pathToken(), environment.getObjectMapper(), clock));
  }
}
