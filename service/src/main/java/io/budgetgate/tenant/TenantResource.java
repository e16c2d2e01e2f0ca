package io.budgetgate.tenant;

import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.http.ValidationException;
import io.budgetgate.tenant.api.CreateTenantRequest;
import io.budgetgate.tenant.api.TenantPage;
import io.budgetgate.tenant.api.TenantView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** {@code /v1/tenants}: create a tenant (and its LiteLLM key), list and read tenants. */
@Path("/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public final class TenantResource {
  static final int MAX_PAGE = 1000;

  private final TenantService tenants;

  TenantResource(TenantService tenants) {
    this.tenants = tenants;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  public Response create(@Context SecurityContext security, @Context UriInfo uri, CreateTenantRequest request) {
    Tenant tenant = tenants.create((Caller) security.getUserPrincipal(), request);
    return Response.created(uri.getAbsolutePathBuilder().path(tenant.tenantId()).build())
        .entity(TenantViews.of(tenant))
        .build();
  }

  @GET
  @RequiresRole(Role.VIEWER)
  public TenantPage list(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw ValidationException.of("limit", "must be between 1 and " + MAX_PAGE);
    }
    List<TenantView> page = tenants.page(after, limit).stream().map(TenantViews::of).toList();
    String next = page.size() == limit ? page.get(page.size() - 1).tenantId() : null;
    return new TenantPage(page, next);
  }

  @GET
  @Path("/{tenant_id}")
  @RequiresRole(Role.VIEWER)
  public TenantView get(@PathParam("tenant_id") String tenantId) {
    return TenantViews.of(tenants.require(tenantId));
  }
}
