package io.budgetgate.platform.http;

import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * {@code GET /v1/ping}: the cheapest authenticated JSON answer the service gives (token check,
 * JSON, no database, no LiteLLM). Clients can probe with it; load tests use it as the no-op
 * baseline the budget check is compared to.
 */
@Path("/v1/ping")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ping")
public final class PingResource {
  private static final Map<String, String> PONG = Map.of("status", "ok");

  @GET
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "ping", summary = "Token check and JSON, nothing else")
  @ApiResponse(responseCode = "200", description = "{\"status\": \"ok\"}",
      content = @Content(schemaProperties = @SchemaProperty(name = "status", schema = @Schema(type = "string"))))
  public Map<String, String> ping() {
    return PONG;
  }
}
