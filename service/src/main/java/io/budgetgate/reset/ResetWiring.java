package io.budgetgate.reset;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.AdminTask;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Builds budget-period resets: the on-demand endpoint, the periodic job and the reset notices. */
public final class ResetWiring {
  private ResetWiring() {}

  /** Returns the reset service, for the dashboard's reset form. */
  public static BudgetResetService wire(Jdbi jdbi, LiteLlmClient litellm, BudgetWiring.Budgets budgetFeature, TenantService tenants,
      Outbox outbox, AuditLog audit, Clock clock, Duration interval, Environment environment) {
    BudgetService budgets = budgetFeature.service();
    ResetNotices notices = new ResetNotices(outbox, budgetFeature.history(), UUID::randomUUID);
    BudgetResetService resets = new BudgetResetService(jdbi, litellm, budgets, budgetFeature.periods(), tenants, notices, audit, clock);
    BudgetResetJob job = new BudgetResetJob(jdbi, resets, budgets, budgetFeature.periods(), clock, interval);
    environment.lifecycle().manage(job);
    // POST /tasks/reset-budgets: one round now (every period due, then the keys still to sync)
    environment.admin().addTask(AdminTask.round("reset-budgets", "periods_reset", job::runOnce, environment.getObjectMapper()));
    environment.jersey().register(new BudgetResetResource(resets, budgets, budgetFeature.reservations()));
    return resets;
  }
}
