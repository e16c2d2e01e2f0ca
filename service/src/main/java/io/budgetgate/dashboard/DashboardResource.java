package io.budgetgate.dashboard;

import io.budgetgate.budget.OverrideService;
import io.budgetgate.budget.api.GrantOverrideRequest;
import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.platform.http.ServiceExceptionMapper;
import io.budgetgate.reset.BudgetResetService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code /dashboard}: the overview of every tenant and one page per tenant, for any signed-in
 * operator; the override and reset forms on a tenant's page, for admins. Forms post, then redirect
 * back (so a reload never repeats an action), through the same services and audit trail as the API.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
public final class DashboardResource {
  private static final Map<String, String> NOTICES = Map.of(
      "override", "Override granted.",
      "reset", "Budget reset: a new period has started.");
  private static final int MAX_HOURS = 24 * 90;
  private static final Pattern TENANT_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  private final DashboardGate gate;
  private final Overview overview;
  private final TenantPage tenantPage;
  private final OverrideService overrides;
  private final BudgetResetService resets;
  private final Clock clock;

  DashboardResource(DashboardGate gate, Overview overview, TenantPage tenantPage, OverrideService overrides,
      BudgetResetService resets, Clock clock) {
    this.gate = gate;
    this.overview = overview;
    this.tenantPage = tenantPage;
    this.overrides = overrides;
    this.resets = resets;
    this.clock = clock;
  }

  @GET
  public Response overview(@CookieParam(DashboardSessions.COOKIE) String cookie, @QueryParam("state") String state,
      @QueryParam("sort") String sort, @QueryParam("page") String page, @Context UriInfo uri) {
    Optional<DashboardSessions.Session> session = gate.session(cookie);
    if (session.isEmpty()) {
      return DashboardGate.toSignIn(uri);
    }
    return DashboardGate.page(Response.ok(overview.render(Chrome.of("Budgets", session.get()),
        OverviewQuery.of(state, sort, page)))).build();
  }

  @GET
  @Path("tenants/{tenant_id}")
  public Response tenant(@CookieParam(DashboardSessions.COOKIE) String cookie, @PathParam("tenant_id") String tenantId,
      @QueryParam("notice") String notice, @Context UriInfo uri) {
    Optional<DashboardSessions.Session> session = gate.session(cookie);
    if (session.isEmpty()) {
      return DashboardGate.toSignIn(uri);
    }
    return render(session.get(), tenantId, 200, notice == null ? null : NOTICES.get(notice), null);
  }

  @POST
  @Path("tenants/{tenant_id}/overrides")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response grant(@CookieParam(DashboardSessions.COOKIE) String cookie, @PathParam("tenant_id") String tenantId,
      @FormParam("csrf") String formToken, @FormParam("amount") String amount, @FormParam("reason") String reason,
      @FormParam("hours") String hours, @Context HttpHeaders headers, @Context UriInfo uri) {
    return act(cookie, tenantId, formToken, headers, uri, "Not granted", "override",
        session -> overrides.grant(session.caller(), tenantId, overrideRequest(amount, reason, hours)));
  }

  @POST
  @Path("tenants/{tenant_id}/reset")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response reset(@CookieParam(DashboardSessions.COOKIE) String cookie, @PathParam("tenant_id") String tenantId,
      @FormParam("csrf") String formToken, @Context HttpHeaders headers, @Context UriInfo uri) {
    return act(cookie, tenantId, formToken, headers, uri, "Not reset", "reset",
        session -> resets.reset(session.caller().name(), tenantId, true));
  }

  /**
   * A form's action, for a signed-in admin whose form is genuine, on a well-formed tenant id: then
   * back to the tenant page with {@code notice}; a refusal by the service re-renders the page with
   * its message.
   */
  private Response act(String cookie, String tenantId, String formToken, HttpHeaders headers, UriInfo uri,
      String failure, String notice, Consumer<DashboardSessions.Session> action) {
    Optional<DashboardSessions.Session> session = gate.session(cookie);
    if (session.isEmpty()) {
      return DashboardGate.toSignIn(uri);
    }
    Optional<Response> refused = refusal(session.get(), formToken, headers, uri);
    if (refused.isPresent() || !TENANT_ID.matcher(tenantId).matches()) {
      return refused.orElseGet(() -> render(session.get(), tenantId, 404, null, null));
    }
    try {
      action.accept(session.get());
    } catch (ServiceException e) {
      return render(session.get(), tenantId, status(e), null, failure + ": " + e.getMessage());
    }
    return back(tenantId, notice);
  }

  private static Optional<Response> refusal(DashboardSessions.Session session, String formToken, HttpHeaders headers,
      UriInfo uri) {
    if (!DashboardGate.isAdmin(session)) {
      return Optional.of(DashboardGate.refuse(session, "Signed in as '" + session.caller().name() + "' ("
          + session.caller().role().wireName() + "): only an admin token may change budgets."));
    }
    if (!DashboardGate.genuine(session, formToken, headers, uri)) {
      return Optional.of(DashboardGate.refuse(session,
          "This form did not come from your dashboard session (its form token is missing or stale). Reload the page "
              + "and try again."));
    }
    return Optional.empty();
  }

  private Response render(DashboardSessions.Session session, String tenantId, int status, String notice,
      String error) {
    Chrome chrome = Chrome.of(tenantId, session);
    if (!TENANT_ID.matcher(tenantId).matches()) {
      return DashboardGate.page(Response.status(Response.Status.NOT_FOUND)
          .entity(new MessageView(chrome, "There is no tenant with that id."))).build();
    }
    try {
      return DashboardGate.page(Response.status(status).entity(new TenantView(chrome, tenantPage.content(tenantId),
          notice, error))).build();
    } catch (ServiceException e) {
      if (e.kind() != ServiceException.Kind.NOT_FOUND) {
        throw e;
      }
      return DashboardGate.page(Response.status(Response.Status.NOT_FOUND)
          .entity(new MessageView(chrome, "There is no tenant '" + tenantId + "'."))).build();
    }
  }

  private static int status(ServiceException e) {
    return ServiceExceptionMapper.status(e.kind());
  }

  private static Response back(String tenantId, String notice) {
    return DashboardGate.page(Response.seeOther(URI.create("/dashboard/tenants/" + tenantId + "?notice=" + notice)))
        .build();
  }

  /** The form's fields as the API's request; 422 naming every field the form got wrong. */
  private GrantOverrideRequest overrideRequest(String amount, String reason, String hours) {
    List<FieldError> errors = new ArrayList<>();
    BigDecimal dollars = null;
    try {
      dollars = new BigDecimal(amount == null ? "" : amount.strip());
    } catch (NumberFormatException e) {
      errors.add(new FieldError("amount", "must be a number of dollars, e.g. 50 or 12.50"));
    }
    long h = 0;
    try {
      h = Long.parseLong(hours == null ? "" : hours.strip());
      if (h < 1 || h > MAX_HOURS) {
        errors.add(new FieldError("hours", "must be between 1 and " + MAX_HOURS));
      }
    } catch (NumberFormatException e) {
      errors.add(new FieldError("hours", "must be a whole number of hours"));
    }
    if (reason == null || reason.isBlank()) {
      errors.add(new FieldError("reason", "is required"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new GrantOverrideRequest(dollars, reason, clock.instant().plus(Duration.ofHours(h)), null);
  }
}
