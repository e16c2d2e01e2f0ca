package io.budgetgate.tenant;

import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.budgetgate.tenant.api.CreateTenantRequest;
import io.budgetgate.tenant.api.TenantPage;
import io.budgetgate.tenant.api.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "tenants")
public final class TenantResource {
  static final int MAX_PAGE = 1000;

  private final TenantService tenants;

  TenantResource(TenantService tenants) {
    this.tenants = tenants;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.ADMIN)
  @Operation(operationId = "createTenant", summary = "Create a tenant and provision its LiteLLM virtual key")
  @ApiResponse(responseCode = "201", description = "the tenant (never its virtual key)",
      headers = @Header(name = "Location", description = "/v1/tenants/{tenant_id}"),
      content = @Content(schema = @Schema(implementation = TenantView.class)))
  @ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
  @ApiResponse(responseCode = "409", ref = ErrorResponses.TENANT_EXISTS)
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  @ApiResponse(responseCode = "502", ref = ErrorResponses.LITELLM_REJECTED)
  @ApiResponse(responseCode = "503", ref = ErrorResponses.LITELLM_UNAVAILABLE)
  public Response create(@Context SecurityContext security, @Context UriInfo uri,
      @RequestBody(required = true) CreateTenantRequest request) {
    Tenant tenant = tenants.create((Caller) security.getUserPrincipal(), request);
    return Response.created(uri.getAbsolutePathBuilder().path(tenant.tenantId()).build())
        .entity(TenantViews.of(tenant))
        .build();
  }

  @GET
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "listTenants", summary = "List tenants, ordered by tenant id, a page at a time")
  @ApiResponse(responseCode = "200", description = "a page of tenants",
      content = @Content(schema = @Schema(implementation = TenantPage.class)))
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  public TenantPage list(@Parameter(description = "next_after of the previous page") @QueryParam("after") String after,
      @Parameter(description = "1..1000") @QueryParam("limit") @DefaultValue("100") int limit) {
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
  @Operation(operationId = "getTenant", summary = "A tenant's configuration; the virtual key never appears")
  @ApiResponse(responseCode = "200", description = "the tenant",
      content = @Content(schema = @Schema(implementation = TenantView.class)))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  public TenantView get(@PathParam("tenant_id") String tenantId) {
    return TenantViews.of(tenants.require(tenantId));
  }
}
