package io.budgetgate.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.budget.api.AccessRefusal;
import io.budgetgate.budget.api.AccessRequest;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.budget.api.LlmAccess;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.http.ApiError;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.budgetgate.rules.ReservedAmount;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
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
  private final ReservationService reservations;
  private final String baseUrl;
  private final ObjectMapper json;
  private final Clock clock;

  LlmAccessResource(BudgetService budgets, ReservationService reservations, String baseUrl, ObjectMapper json,
      Clock clock) {
    this.budgets = budgets;
    this.reservations = reservations;
    this.baseUrl = baseUrl;
    this.json = json;
    this.clock = clock;
  }

  @POST
  @RequiresRole(Role.PLATFORM)
  @Operation(operationId = "requestLlmAccess", summary = "The enforcement decision: may this tenant call a model now? "
      + "With an estimated_cost, the amount is held until settled, released or expired")
  @RequestBody(required = false, description = "optional: without a body (or without estimated_cost) nothing is held",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessRequest.class)))
  @ApiResponse(responseCode = "200", description = "allowed: where to call and with which key (the only answer carrying it), "
      + "and the hold when an estimate was given",
      content = @Content(schema = @Schema(implementation = LlmAccess.class)))
  @ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
  @ApiResponse(responseCode = "402", description = "`budget_exceeded`: details is the budget status with `reason` "
      + "(`blocked` or `insufficient_headroom`) and the `estimated_cost` judged",
      headers = @Header(name = "Retry-After", description = "seconds until budget_reset_at, when a reset is scheduled "
          + "and the reason is `blocked` (headroom held by reservations comes back as they end, not at the reset)",
          schema = @Schema(type = "integer")),
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "409", description = "`litellm_key_missing` (see the shared response), or "
      + "`request_id_reused`: the request_id was used with another estimated_cost",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "415", ref = ErrorResponses.UNSUPPORTED_MEDIA_TYPE)
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public Response decide(@PathParam("tenant_id") String tenantId, @Context HttpHeaders headers,
      @Parameter(hidden = true) String body) {
    AccessRequest request = AccessRequestParser.parse(json, body, headers.getMediaType());
    return answer(budgets.decide(tenantId), request);
  }

  /** The answer to a decision, here and on {@link BudgetHotPath}: 200 with the key (and the hold), or 402. */
  Response answer(BudgetService.Decision decision, AccessRequest request) {
    ReservationService.Access access = reservations.access(decision.status(), request);
    BudgetStatus status = BudgetStatus.of(access.standing(), access.reserved());
    if (access.allowed()) {
      return Response.ok(new LlmAccess(true, baseUrl, decision.key().reveal(), status, access.hold())).build();
    }
    AccessRefusal details = new AccessRefusal(status, access.refusal().wireName(), access.estimate());
    Response.ResponseBuilder refused = Response.fromResponse(
        ApiError.response(PAYMENT_REQUIRED, "budget_exceeded", message(status, access), details));
    // only a spend at the limit waits for the reset; headroom taken by holds comes back as they end
    if (access.refusal() == ReservedAmount.Refusal.BLOCKED && status.budgetResetAt() != null) {
      Duration wait = Duration.between(clock.instant(), status.budgetResetAt());
      long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
      refused.header("Retry-After", Math.max(1, seconds));
    }
    return refused.build();
  }

  static String message(BudgetStatus s, ReservationService.Access access) {
    if (access.refusal() != ReservedAmount.Refusal.INSUFFICIENT_HEADROOM) {
      return message(s);
    }
    if (access.estimate() == null) {
      return "tenant '" + s.tenantId() + "' has no headroom left: spend $" + plain(s.spend()) + " and $"
          + s.reserved().toPlainString() + " held by open reservations have reached the limit of $"
          + s.blockAt().toPlainString() + "; calls are allowed again as reservations are released or settled for less";
    }
    BigDecimal left = s.headroom() != null ? s.headroom() : s.blockAt().subtract(s.reserved()).max(BigDecimal.ZERO);
    return "tenant '" + s.tenantId() + "' has $" + left.toPlainString() + " of headroom left (limit $"
        + s.blockAt().toPlainString() + ", spend $" + plain(s.spend()) + ", reserved $" + s.reserved().toPlainString()
        + "), less than the estimated cost of $" + access.estimate().stripTrailingZeros().toPlainString()
        + "; settle or release finished calls, or ask again with a smaller estimate";
  }

  private static String plain(BigDecimal amount) {
    return amount == null ? "unknown" : amount.toPlainString();
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
