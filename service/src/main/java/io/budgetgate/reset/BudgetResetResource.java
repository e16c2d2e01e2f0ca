package io.budgetgate.reset;

import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code POST /v1/tenants/{tenant_id}/budget/reset}: zero the spend now and start a new period. */
@Path("/v1/tenants/{tenant_id}/budget/reset")
@Produces(MediaType.APPLICATION_JSON)
public final class BudgetResetResource {
  private final BudgetResetService resets;
  private final BudgetService budgets;

  BudgetResetResource(BudgetResetService resets, BudgetService budgets) {
    this.resets = resets;
    this.budgets = budgets;
  }

  @POST
  @RequiresRole(Role.ADMIN)
  public BudgetStatus reset(@Context SecurityContext security, @PathParam("tenant_id") String tenantId) {
    resets.reset(((Caller) security.getUserPrincipal()).name(), tenantId, true);
    return budgets.decide(tenantId).status();
  }
}
