package io.budgetgate.budget;

import io.budgetgate.budget.api.BudgetPatchRequest;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.budget.api.GrantOverrideRequest;
import io.budgetgate.budget.api.OverrideView;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /v1/tenants/{tenant_id}/budget}: status, changes, and overrides. */
@Path("/v1/tenants/{tenant_id}/budget")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "budget")
public final class BudgetResource {
  private final BudgetService budgets;
  private final OverrideService overrides;
  private final ReservationService reservations;

  BudgetResource(BudgetService budgets, OverrideService overrides, ReservationService reservations) {
    this.budgets = budgets;
    this.overrides = overrides;
    this.reservations = reservations;
  }

  @GET
  @RequiresRole(Role.PLATFORM)
  @Operation(operationId = "getBudgetStatus", summary = "The tenant's budget status: spend, limits, state, source")
  @ApiResponse(responseCode = "200", description = "the status",
      content = @Content(schema = @Schema(implementation = BudgetStatus.class)))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public BudgetStatus status(@PathParam("tenant_id") String tenantId) {
    return status(budgets.decide(tenantId).status());
  }

  @PATCH
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  @Operation(operationId = "updateBudget",
      summary = "Change max_budget, thresholds or duration; left-out fields keep their value; synced to LiteLLM")
  @ApiResponse(responseCode = "200", description = "the new status",
      content = @Content(schema = @Schema(implementation = BudgetStatus.class)))
  @ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public BudgetStatus patch(@Context SecurityContext security, @PathParam("tenant_id") String tenantId,
      @RequestBody(required = true) BudgetPatchRequest request) {
    return status(budgets.patch(caller(security), tenantId, request));
  }

  @POST
  @Path("/overrides")
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  @Operation(operationId = "grantOverride", summary = "Grant a time-boxed budget increase")
  @ApiResponse(responseCode = "201", description = "the override",
      headers = @Header(name = "Location", description = "/v1/tenants/{tenant_id}/budget/overrides/{id}"),
      content = @Content(schema = @Schema(implementation = OverrideView.class)))
  @ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public Response grant(@Context SecurityContext security, @Context UriInfo uri,
      @PathParam("tenant_id") String tenantId, @RequestBody(required = true) GrantOverrideRequest request) {
    OverrideView granted = overrides.grant(caller(security), tenantId, request);
    return Response.created(uri.getAbsolutePathBuilder().path(granted.id().toString()).build()).entity(granted).build();
  }

  @GET
  @Path("/overrides")
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "listOverrides", summary = "Active, scheduled, expired and revoked overrides, newest first")
  @ApiResponse(responseCode = "200", description = "the overrides", content = @Content(schemaProperties =
      @SchemaProperty(name = "overrides", array = @ArraySchema(schema = @Schema(implementation = OverrideView.class)))))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  public Map<String, List<OverrideView>> list(@PathParam("tenant_id") String tenantId) {
    return Map.of("overrides", overrides.list(tenantId));
  }

  @DELETE
  @Path("/overrides/{override_id}")
  @RequiresRole(Role.ADMIN)
  @Operation(operationId = "revokeOverride", summary = "Revoke an override; revoking it again changes nothing")
  @ApiResponse(responseCode = "204", description = "revoked")
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_OVERRIDE)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.LITELLM_KEY_MISSING)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public Response revoke(@Context SecurityContext security, @PathParam("tenant_id") String tenantId,
      @PathParam("override_id") String overrideId) {
    overrides.revoke(caller(security), tenantId, parseId(overrideId));
    return Response.noContent().build();
  }

  private static UUID parseId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ServiceException.notFound("unknown_override", "no override with id '" + text + "'");
    }
  }

  /** The status as answered, here and on {@link BudgetHotPath}: the standing with what open reservations hold. */
  BudgetStatus status(BudgetStanding standing) {
    return BudgetStatus.of(standing, reservations.reserved(standing));
  }

  static Caller caller(SecurityContext security) {
    return (Caller) security.getUserPrincipal();
  }

}
