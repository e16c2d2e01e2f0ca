package io.budgetgate.budget;

import io.budgetgate.budget.api.BudgetPatchRequest;
import io.budgetgate.budget.api.BudgetStatus;
import io.budgetgate.budget.api.GrantOverrideRequest;
import io.budgetgate.budget.api.OverrideView;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
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
public final class BudgetResource {
  private final BudgetService budgets;
  private final OverrideService overrides;

  BudgetResource(BudgetService budgets, OverrideService overrides) {
    this.budgets = budgets;
    this.overrides = overrides;
  }

  @GET
  @RequiresRole(Role.PLATFORM)
  public BudgetStatus status(@PathParam("tenant_id") String tenantId) {
    return budgets.decide(tenantId).status();
  }

  @PATCH
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  public BudgetStatus patch(@Context SecurityContext security, @PathParam("tenant_id") String tenantId,
      BudgetPatchRequest request) {
    return budgets.patch(caller(security), tenantId, request);
  }

  @POST
  @Path("/overrides")
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  public Response grant(@Context SecurityContext security, @Context UriInfo uri,
      @PathParam("tenant_id") String tenantId, GrantOverrideRequest request) {
    OverrideView granted = overrides.grant(caller(security), tenantId, request);
    return Response.created(uri.getAbsolutePathBuilder().path(granted.id().toString()).build()).entity(granted).build();
  }

  @GET
  @Path("/overrides")
  @RequiresRole(Role.VIEWER)
  public Map<String, List<OverrideView>> list(@PathParam("tenant_id") String tenantId) {
    return Map.of("overrides", overrides.list(tenantId));
  }

  @DELETE
  @Path("/overrides/{override_id}")
  @RequiresRole(Role.ADMIN)
  public Response revoke(@Context SecurityContext security, @PathParam("tenant_id") String tenantId,
      @PathParam("override_id") String overrideId) {
    overrides.revoke(caller(security), tenantId, parseId(overrideId));
    return Response.noContent().build();
  }

  private static UUID parseId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw io.budgetgate.platform.http.ApiException.notFound("unknown_override", "no override with id '" + text + "'");
    }
  }

  static Caller caller(SecurityContext security) {
    return (Caller) security.getUserPrincipal();
  }

}
