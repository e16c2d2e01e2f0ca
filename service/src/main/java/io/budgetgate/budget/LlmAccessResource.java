package io.budgetgate.budget;

import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.budget.api.LlmAccess;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.http.ApiError;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code POST /v1/tenants/{tenant_id}/llm-access}: the enforcement decision. 200 hands out the
 * LiteLLM address and the tenant's virtual key (the only place it is ever returned); 402
 * {@code budget_exceeded} at and above the grace limit, with {@code Retry-After} when a reset is due.
 */
@Path("/v1/tenants/{tenant_id}/llm-access")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "budget")
public final class LlmAccessResource {
  private static final Response.StatusType PAYMENT_REQUIRED = Response.Status.fromStatusCode(402);

  private final BudgetService budgets;
  private final String baseUrl;
  private final Clock clock;

  LlmAccessResource(BudgetService budgets, String baseUrl, Clock clock) {
    this.budgets = budgets;
    this.baseUrl = baseUrl;
    this.clock = clock;
  }

  @POST
  @RequiresRole(Role.PLATFORM)
  @Operation(operationId = "requestLlmAccess", summary = "The enforcement decision: may this tenant call a model now?")
  @ApiResponse(responseCode = "200", description = "allowed: where to call and with which key (the only answer carrying it)",
      content = @Content(schema = @Schema(implementation = LlmAccess.class)))
  @ApiResponse(responseCode = "402", description = "`budget_exceeded`: details is the budget status",
      headers = @Header(name = "Retry-After", description = "seconds until budget_reset_at, when a reset is scheduled",
          schema = @Schema(type = "integer")),
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public Response decide(@PathParam("tenant_id") String tenantId) {
    BudgetService.Decision decision = budgets.decide(tenantId);
    BudgetStatus status = BudgetStatus.of(decision.status());
    if (status.allowed()) {
      return Response.ok(new LlmAccess(true, baseUrl, decision.key().reveal(), status)).build();
    }
    Response.ResponseBuilder refused = Response.fromResponse(
        ApiError.response(PAYMENT_REQUIRED, "budget_exceeded", message(status), status));
    if (status.budgetResetAt() != null) {
      Duration wait = Duration.between(clock.instant(), status.budgetResetAt());
      long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
      refused.header("Retry-After", Math.max(1, seconds));
    }
    return refused.build();
  }

  static String message(BudgetStatus s) {
    String resets = s.budgetResetAt() == null
        ? "no reset is scheduled (no budget_duration); an admin can raise max_budget or grant an override"
        : "the budget resets at " + s.budgetResetAt();
    if (s.effectiveBudget().signum() <= 0) {
      return "tenant '" + s.tenantId() + "' has a budget of $0.00, so every call is refused; " + resets;
    }
    return "tenant '" + s.tenantId() + "' is over budget: spend $" + s.spend().toPlainString() + " has reached the limit of $"
        + s.blockAt().toPlainString() + " (" + s.graceThreshold() + "% of the $" + s.effectiveBudget().toPlainString()
        + " budget); " + resets;
  }
}
