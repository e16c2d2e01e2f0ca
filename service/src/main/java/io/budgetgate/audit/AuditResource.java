package io.budgetgate.audit;

import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.http.ValidationException;
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
public final class AuditResource {
  static final int MAX_LIMIT = 1000;

  private final AuditLog audit;

  AuditResource(AuditLog audit) {
    this.audit = audit;
  }

  @GET
  @RequiresRole(Role.VIEWER)
  public Map<String, List<AuditEntry>> list(
      @QueryParam("tenant_id") String tenantId, @QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return Map.of("entries", audit.recent(tenantId == null || tenantId.isBlank() ? null : tenantId, limit));
  }
}
