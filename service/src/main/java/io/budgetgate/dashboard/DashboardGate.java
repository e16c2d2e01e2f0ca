package io.budgetgate.dashboard;

import io.budgetgate.platform.auth.Role;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's door: who is signed in, whether a form really comes from one of our pages (its
 * form token, and its Origin when the browser sends one), the headers every page carries, and
 * where to send someone who is not signed in.
 */
final class DashboardGate {
  static final String SIGN_IN = "/dashboard/sign-in";
  private static final Pattern SAFE_NEXT = Pattern.compile("^/dashboard(/[A-Za-z0-9_/-]*)?(\\?[A-Za-z0-9=&_%.-]*)?$");
  /** No scripts at all; inline styles only (the bars' widths); forms post only to us; never framed. */
  private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
      + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final DashboardSessions sessions;
  private final DashboardSignOuts signOuts;
  private final Clock clock;

  DashboardGate(DashboardSessions sessions, DashboardSignOuts signOuts, Clock clock) {
    this.sessions = sessions;
    this.signOuts = signOuts;
    this.clock = clock;
  }

  Optional<DashboardSessions.Session> session(String cookie) {
    return sessions.verify(cookie, clock.instant()).filter(session -> !signOuts.signedOut(session));
  }

  /** Ends the session on every instance, also for copies of its cookie. */
  void signOut(DashboardSessions.Session session) {
    signOuts.signOut(session, clock.instant());
  }

  /** 303 to the sign-in form, which comes back here afterwards. */
  static Response toSignIn(UriInfo uri) {
    String back = uri.getRequestUri().getRawPath() + (uri.getRequestUri().getRawQuery() == null ? ""
        : "?" + uri.getRequestUri().getRawQuery());
    return page(Response.seeOther(URI.create(SIGN_IN + "?next=" + URLEncoder.encode(safeNext(back),
        StandardCharsets.UTF_8)))).build();
  }

  /** Where to go after signing in: only a dashboard path of ours, never another site. */
  static String safeNext(String next) {
    return next != null && SAFE_NEXT.matcher(next).matches() ? next : "/dashboard";
  }

  /**
   * Whether a form post is genuine: the session's form token, and an Origin (when sent) naming this
   * host. The cookie alone is not enough, whatever SameSite says.
   */
  static boolean genuine(DashboardSessions.Session session, String formToken, HttpHeaders headers, UriInfo uri) {
    return DashboardSessions.formTokenMatches(session, formToken) && sameOrigin(headers, uri);
  }

  static boolean sameOrigin(HttpHeaders headers, UriInfo uri) {
    String origin = headers.getHeaderString("Origin");
    if (origin == null || origin.isBlank()) {
      return true;
    }
    try {
      URI o = URI.create(origin.strip());
      String host = headers.getHeaderString(HttpHeaders.HOST);
      String expected = host != null ? host : uri.getBaseUri().getAuthority();
      return o.getAuthority() != null && o.getAuthority().equalsIgnoreCase(expected);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The session cookie: HttpOnly, SameSite=Strict, scoped to /dashboard, gone when the session ends. */
  NewCookie cookie(String value, boolean secure) {
    return new NewCookie.Builder(DashboardSessions.COOKIE).value(value).path("/dashboard").httpOnly(true)
        .secure(secure).sameSite(NewCookie.SameSite.STRICT).maxAge((int) sessions.ttl().toSeconds()).build();
  }

  static NewCookie expired(boolean secure) {
    return new NewCookie.Builder(DashboardSessions.COOKIE).value("").path("/dashboard").httpOnly(true)
        .secure(secure).sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
  }

  /** Headers on every dashboard answer: never cached, never framed, no scripts. */
  static Response.ResponseBuilder page(Response.ResponseBuilder builder) {
    return builder.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Content-Security-Policy", CSP)
        .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "same-origin");
  }

  static Response refuse(DashboardSessions.Session session, String message) {
    return page(Response.status(Response.Status.FORBIDDEN).entity(new MessageView(Chrome.of("Not allowed", session),
        message))).build();
  }

  static boolean isAdmin(DashboardSessions.Session session) {
    return session.may(Role.ADMIN);
  }
}
