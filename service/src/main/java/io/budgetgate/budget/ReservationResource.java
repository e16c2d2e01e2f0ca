package io.budgetgate.budget;

import io.budgetgate.budget.api.ReservationView;
import io.budgetgate.budget.api.SettleRequest;
import io.budgetgate.platform.auth.RequiresRole;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.http.ApiError;
import io.budgetgate.platform.openapi.ErrorResponses;
import io.swagger.v3.oas.annotations.Operation;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /v1/tenants/{tenant_id}/reservations}: settle, release and list the holds llm-access made (DESIGN §11). */
@Path("/v1/tenants/{tenant_id}/reservations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "budget")
public final class ReservationResource {
  private final ReservationService reservations;

  ReservationResource(ReservationService reservations) {
    this.reservations = reservations;
  }

  @POST
  @Path("/{reservation_id}/settle")
  @Consumes(MediaType.APPLICATION_JSON)
  @RequiresRole(Role.PLATFORM)
  @Operation(operationId = "settleReservation", summary = "The call ended: its actual cost replaces the hold and counts "
      + "until LiteLLM has recorded it (or reservations.settleLag passes); the same amount again changes nothing")
  @ApiResponse(responseCode = "200", description = "the settled reservation",
      content = @Content(schema = @Schema(implementation = ReservationView.class)))
  @ApiResponse(responseCode = "400", ref = ErrorResponses.MALFORMED_JSON)
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_RESERVATION)
  @ApiResponse(responseCode = "409", description = "`reservation_settled` (settled before with another amount) or "
      + "`reservation_released`", content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "422", ref = ErrorResponses.VALIDATION_FAILED)
  public ReservationView settle(@PathParam("tenant_id") String tenantId, @PathParam("reservation_id") String id,
      @RequestBody(required = true) SettleRequest request) {
    return reservations.settle(tenantId, parseId(tenantId, id), request);
  }

  @DELETE
  @Path("/{reservation_id}")
  @RequiresRole(Role.PLATFORM)
  @Operation(operationId = "releaseReservation", summary = "The call did not happen: the hold is released; releasing "
      + "again changes nothing")
  @ApiResponse(responseCode = "204", description = "released")
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_RESERVATION)
  @ApiResponse(responseCode = "409", description = "`reservation_settled`: the call was settled",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  public Response release(@PathParam("tenant_id") String tenantId, @PathParam("reservation_id") String id) {
    reservations.release(tenantId, parseId(tenantId, id));
    return Response.noContent().build();
  }

  @GET
  @RequiresRole(Role.VIEWER)
  @Operation(operationId = "listReservations", summary = "Open reservations and those that ended within "
      + "reservations.listFor, newest first")
  @ApiResponse(responseCode = "200", description = "the reservations", content = @Content(schemaProperties =
      @SchemaProperty(name = "reservations", array = @ArraySchema(schema = @Schema(implementation = ReservationView.class)))))
  @ApiResponse(responseCode = "404", ref = ErrorResponses.UNKNOWN_TENANT)
  public Map<String, List<ReservationView>> list(@PathParam("tenant_id") String tenantId) {
    return Map.of("reservations", reservations.list(tenantId));
  }

  private static UUID parseId(String tenantId, String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ServiceException.notFound("unknown_reservation", "tenant '" + tenantId + "' has no reservation with id '"
          + text + "'");
    }
  }
}
