package io.budgetgate.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /dashboard/sign-in} and {@code /dashboard/sign-out}: a bearer token typed into a form
 * becomes a session cookie; the token itself is neither kept nor logged.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
public final class SignInResource {
  private static final Logger LOG = LoggerFactory.getLogger(SignInResource.class);

  private final DashboardSessions sessions;
  private final DashboardGate gate;
  private final SignInThrottle throttle;
  private final Clock clock;

  SignInResource(DashboardSessions sessions, DashboardGate gate, SignInThrottle throttle, Clock clock) {
    this.sessions = sessions;
    this.gate = gate;
    this.throttle = throttle;
    this.clock = clock;
  }

  @GET
  @Path("sign-in")
  public Response form(@QueryParam("next") String next) {
    return DashboardGate.page(Response.ok(new SignInView(DashboardGate.safeNext(next), null))).build();
  }

  @POST
  @Path("sign-in")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signIn(@FormParam("token") String token, @FormParam("next") String next,
      @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServletRequest request) {
    String target = DashboardGate.safeNext(next);
    String address = request.getRemoteAddr();
    long wait = throttle.retryAfterSeconds(address);
    if (wait > 0) {
      LOG.warn("dashboard sign-in from {} refused: {} failed sign-ins within a minute", address, SignInThrottle.LIMIT);
      return DashboardGate.page(Response.status(429).header("Retry-After", wait)
          .entity(new SignInView(target, "Too many failed sign-ins from your address. Try again in " + wait + " s.")))
          .build();
    }
    if (!DashboardGate.sameOrigin(headers, uri)) {
      return DashboardGate.page(Response.status(Response.Status.FORBIDDEN)
          .entity(new SignInView(target, "This form must be sent from BudgetGate's own sign-in page."))).build();
    }
    Optional<String> session = sessions.signIn(token, clock.instant());
    if (session.isEmpty()) {
      throttle.failed(address);
      LOG.info("dashboard sign-in refused: unknown token (from {})", address);
      return DashboardGate.page(Response.status(Response.Status.UNAUTHORIZED)
          .entity(new SignInView(target, "That token is not recognised. Use an admin or viewer bearer token."))).build();
    }
    return DashboardGate.page(Response.seeOther(URI.create(target)))
        .cookie(gate.cookie(session.get(), secure(headers, uri))).build();
  }

  @POST
  @Path("sign-out")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOut(@CookieParam(DashboardSessions.COOKIE) String cookie, @FormParam("csrf") String formToken,
      @Context HttpHeaders headers, @Context UriInfo uri) {
    Optional<DashboardSessions.Session> session = gate.session(cookie);
    if (session.isPresent() && !DashboardGate.genuine(session.get(), formToken, headers, uri)) {
      return DashboardGate.refuse(session.get(), "This form did not come from your dashboard session.");
    }
    if (session.isPresent()) {
      gate.signOut(session.get());
      LOG.info("dashboard sign-out: {}", session.get().caller().name());
    }
    return DashboardGate.page(Response.seeOther(URI.create(DashboardGate.SIGN_IN)))
        .cookie(DashboardGate.expired(secure(headers, uri))).build();
  }

  /** Whether the browser reached us over HTTPS, directly or through a TLS-terminating proxy. */
  static boolean secure(HttpHeaders headers, UriInfo uri) {
    return "https".equalsIgnoreCase(uri.getRequestUri().getScheme())
        || "https".equalsIgnoreCase(headers.getHeaderString("X-Forwarded-Proto"));
  }
}
