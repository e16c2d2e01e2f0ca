package io.budgetgate.platform.auth;

import io.budgetgate.platform.http.ApiError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Optional;

/**
 * Puts a bearer-token check in front of every resource method annotated with
 * {@link RequiresRole}: 401 {@code unauthorized} for a missing or unknown token, 403
 * {@code forbidden} for a role that does not include the required one.
 */
public final class BearerAuthFeature implements DynamicFeature {

  private final TokenRegistry tokens;

  public BearerAuthFeature(TokenRegistry tokens) {
    this.tokens = tokens;
  }

  @Override
  public void configure(ResourceInfo resourceInfo, FeatureContext context) {
    RequiresRole required = resourceInfo.getResourceMethod().getAnnotation(RequiresRole.class);
    if (required != null) {
      context.register(new Filter(tokens, required.value()));
    }
  }

  @Priority(Priorities.AUTHENTICATION)
  private static final class Filter implements ContainerRequestFilter {
    private static final String PREFIX = "Bearer ";
    private static final int MAX_DRAIN = 1 << 20;
    private final TokenRegistry tokens;
    private final Role required;

    Filter(TokenRegistry tokens, Role required) {
      this.tokens = tokens;
      this.required = required;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
      if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
        refuse(request, unauthorized("a bearer token is required: send 'Authorization: Bearer <token>'"));
        return;
      }
      Optional<Caller> caller = tokens.authenticate(header.substring(PREFIX.length()).trim());
      if (caller.isEmpty()) {
        refuse(request, unauthorized("the bearer token is not recognised"));
        return;
      }
      if (!caller.get().role().includes(required)) {
        refuse(request,
            ApiError.response(
                Response.Status.FORBIDDEN,
                "forbidden",
                "token '" + caller.get().name() + "' has role " + caller.get().role().wireName()
                    + "; this call needs " + required.wireName()));
        return;
      }
      boolean secure = request.getSecurityContext().isSecure();
      request.setSecurityContext(new CallerContext(caller.get(), secure));
    }

    /**
     * Reads what is left of a small request body before refusing, so the connection can be reused:
     * a body left unread while the answer goes out makes the server close a keep-alive connection
     * the client may already be reusing.
     */
    private static void refuse(ContainerRequestContext request, Response answer) {
      if (request.hasEntity()) {
        try (InputStream body = request.getEntityStream()) {
          body.readNBytes(MAX_DRAIN);
        } catch (IOException e) {
          // the client went away; nothing to keep alive
        }
      }
      request.abortWith(answer);
    }

    private static Response unauthorized(String message) {
      return Response.fromResponse(ApiError.response(Response.Status.UNAUTHORIZED, "unauthorized", message))
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"budgetgate\"")
          .build();
    }
  }

  /** What a resource sees of an authenticated request (package-private for its test). */
  record CallerContext(Caller caller, boolean secure) implements SecurityContext {
    @Override
    public Principal getUserPrincipal() {
      return caller;
    }

    @Override
    public boolean isUserInRole(String role) {
      return caller.role().includes(Role.parse(role));
    }

    @Override
    public boolean isSecure() {
      return secure;
    }

    @Override
    public String getAuthenticationScheme() {
      return "Bearer";
    }
  }
}
