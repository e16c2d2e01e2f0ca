package io.budgetgate.reset;

import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.ReservationService;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "budget")
public final class BudgetResetResource {
  private final BudgetResetService resets;
  private final BudgetService budgets;

  private final ReservationService reservations;

  BudgetResetResource(BudgetResetService resets, BudgetService budgets, ReservationService reservations) {
    this.resets = resets;
    this.budgets = budgets;
    this.reservations = reservations;
  }

  @POST
  @RequiresRole(Role.ADMIN)
  @Operation(operationId = "resetBudget", summary = "Zero the key's spend in LiteLLM now and start a new period")
  @ApiResponse(responseCode = "200", description = "the status after the reset",
      content = @Content(schema = @Schema(implementation = BudgetStatus.class)))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public BudgetStatus reset(@Context SecurityContext security, @PathParam("tenant_id") String tenantId) {
    resets.reset(((Caller) security.getUserPrincipal()).name(), tenantId, true);
    BudgetStanding standing = budgets.decide(tenantId).status();
    return BudgetStatus.of(standing, reservations.reserved(standing));
  }
}
