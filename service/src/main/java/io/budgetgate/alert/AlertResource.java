package io.budgetgate.alert;

import io.budgetgate.alert.api.AlertView;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/tenants/{tenant_id}/budget/alerts}: alert history, newest first. */
@Path("/v1/tenants/{tenant_id}/budget/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "alerts")
public final class AlertResource {
  private final AlertService alerts;

  AlertResource(AlertService alerts) {
    this.alerts = alerts;
  }

  @GET
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "listAlerts", summary = "The tenant's alert history, newest first")
  @ApiResponse(responseCode = "200", description = "the alerts", content = @Content(schemaProperties =
      @SchemaProperty(name = "alerts", array = @ArraySchema(schema = @Schema(implementation = AlertView.class)))))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  public Map<String, List<AlertView>> list(@PathParam("tenant_id") String tenantId,
      @Parameter(description = "1..1000") @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 1000) {
      throw ValidationException.of("limit", "must be between 1 and 1000");
    }
    return Map.of("alerts", alerts.recent(tenantId, limit));
  }
}
