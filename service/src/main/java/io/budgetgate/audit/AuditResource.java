package io.budgetgate.audit;

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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/audit}: the audit trail, newest first. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public final class AuditResource {
  static final int MAX_LIMIT = 1000;

  private final AuditLog audit;

  AuditResource(AuditLog audit) {
    this.audit = audit;
  }

  @GET
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "listAudit", summary = "Audit entries, newest first, optionally for one tenant")
  @ApiResponse(responseCode = "200", description = "the entries", content = @Content(schemaProperties =
      @SchemaProperty(name = "entries", array = @ArraySchema(schema = @Schema(implementation = AuditEntry.class)))))
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  public Map<String, List<AuditEntry>> list(@QueryParam("tenant_id") String tenantId,
      @Parameter(description = "1..1000") @QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return Map.of("entries", audit.recent(tenantId == null || tenantId.isBlank() ? null : tenantId, limit));
  }
}
