package io.budgetgate.alert;

import io.budgetgate.alert.api.AlertView;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.http.ValidationException;
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
public final class AlertResource {
  private final AlertService alerts;

  AlertResource(AlertService alerts) {
    this.alerts = alerts;
  }

  @GET
  @RequiresRole(Role.VIEWER)
  public Map<String, List<AlertView>> list(@PathParam("tenant_id") String tenantId,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 1000) {
      throw ValidationException.of("limit", "must be between 1 and 1000");
    }
    return Map.of("alerts", alerts.recent(tenantId, limit));
  }
}
