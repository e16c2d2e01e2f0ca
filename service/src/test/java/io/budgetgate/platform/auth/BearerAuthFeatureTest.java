package io.budgetgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.platform.http.ApiError;
import io.budgetgate.reset.BudgetResetResource;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ContainerRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link BearerAuthFeature} at its own edge: Jersey hands it each resource method once
 * ({@code configure}), and the filter it registers sees each request (a real Jersey
 * {@link ContainerRequest}, no server). What a caller gets back is pinned exactly: status,
 * {@link ApiError} body, the {@code WWW-Authenticate} challenge, and the security context a
 * resource reads the actor from.
 */
class BearerAuthFeatureTest {
  static final String REQUIRED = "a bearer token is required: send 'Authorization: Bearer <token>'";
  static final String UNKNOWN = "the bearer token is not recognised";
  static final String CHALLENGE = "Bearer realm=\"budgetgate\"";

  final TokenRegistry tokens = new TokenRegistry(new AuthConfig(List.of(
      new AuthConfig.TokenConfig("ops", TokenRegistry.sha256Hex("ops-token"), Role.ADMIN),
      new AuthConfig.TokenConfig("agents", TokenRegistry.sha256Hex("agents-token"), Role.PLATFORM),
      new AuthConfig.TokenConfig("board", TokenRegistry.sha256Hex("board-token"), Role.VIEWER))));
  final BearerAuthFeature feature = new BearerAuthFeature(tokens);

  /** Resource methods as the real resources declare them: each says its role, a public route says none. */
  static final class Endpoints {
    @RequiresRole(Role.ADMIN)
    public void admin() {}

    @RequiresRole(Role.PLATFORM)
    public void platform() {}

    @RequiresRole(Role.VIEWER)
    public void viewer() {}

    public void open() {}
  }

  @Test
  void aMethodWithoutRequiresRoleGetsNoFilterAndEachAnnotatedOneGetsOneThatRunsAsAuthentication() {
    assertThat(registeredFor(endpoint("open"))).isEmpty();

    for (String name : List.of("admin", "platform", "viewer")) {
      List<Object> registered = registeredFor(endpoint(name));
      assertThat(registered).as(name).singleElement().isInstanceOf(ContainerRequestFilter.class);
      assertThat(registered.get(0).getClass().getAnnotation(Priority.class).value()).as("before any other filter")
          .isEqualTo(Priorities.AUTHENTICATION);
    }
  }

  @Test
  void noAuthorizationHeaderIs401WithTheChallengeAndTheResourceIsNotReached() throws IOException {
    ContainerRequest request = request(null);

    filter("admin").filter(request);

    assertRefused(request, 401, "unauthorized", REQUIRED);
  }

  @Test
  void anotherSchemeOrNoTokenAfterTheSchemeIs401AskingForABearerToken() throws IOException {
    for (String header : List.of("", "Basic b3BzOm9wcy10b2tlbg==", "Token ops-token", "ops-token", "Bearer",
        "Bearerops-token", "Bearer\tops-token")) {
      ContainerRequest request = request(header);

      filter("viewer").filter(request);

      assertRefused(request, 401, "unauthorized", REQUIRED);
    }
  }

  @Test
  void anUnknownTokenIs401SayingSoAndATokenIsComparedExactly() throws IOException {
    for (String header : List.of("Bearer nope", "Bearer ", "Bearer OPS-TOKEN", "Bearer ops-token2", "Bearer ops-tok")) {
      ContainerRequest request = request(header);

      filter("viewer").filter(request);

      assertRefused(request, 401, "unauthorized", UNKNOWN);
    }
  }

  @Test
  void theSchemeIsCaseInsensitiveAndSpaceAroundTheTokenIsIgnored() throws IOException {
    for (String header : List.of("bearer ops-token", "BEARER ops-token", "Bearer    ops-token  ")) {
      ContainerRequest request = request(header);

      filter("admin").filter(request);

      assertThat(request.getAbortResponse()).as(header).isNull();
      assertThat(request.getSecurityContext().getUserPrincipal()).isEqualTo(new Caller("ops", Role.ADMIN));
    }
  }

  @Test
  void eachRoleIsLetThroughWhereItIncludesTheRequiredOneAndOtherwiseIs403NamingBoth() throws IOException {
    String[][] cases = {
        // token, endpoint, expected: "" let through, else the 403 message
        {"ops-token", "admin", ""},
        {"ops-token", "platform", ""},
        {"ops-token", "viewer", ""},
        {"agents-token", "admin", "token 'agents' has role platform; this call needs admin"},
        {"agents-token", "platform", ""},
        {"agents-token", "viewer", ""},
        {"board-token", "admin", "token 'board' has role viewer; this call needs admin"},
        {"board-token", "platform", "token 'board' has role viewer; this call needs platform"},
        {"board-token", "viewer", ""}};
    for (String[] c : cases) {
      ContainerRequest request = request("Bearer " + c[0]);

      filter(c[1]).filter(request);

      if (c[2].isEmpty()) {
        assertThat(request.getAbortResponse()).as("%s on %s", c[0], c[1]).isNull();
      } else {
        assertRefused(request, 403, "forbidden", c[2]);
        assertThat(request.getAbortResponse().getHeaderString(HttpHeaders.WWW_AUTHENTICATE))
            .as("a known token needs no new challenge").isNull();
      }
    }
  }

  @Test
  void onlyAnAdminTokenResetsABudgetPeriod() throws Exception {
    Method reset = BudgetResetResource.class.getMethod("reset", SecurityContext.class, String.class);
    ContainerRequestFilter filter = (ContainerRequestFilter) registeredFor(reset).get(0);
    ContainerRequest viewer = request("Bearer board-token");
    ContainerRequest platform = request("Bearer agents-token");
    ContainerRequest admin = request("Bearer ops-token");

    filter.filter(viewer);
    filter.filter(platform);
    filter.filter(admin);

    assertRefused(viewer, 403, "forbidden", "token 'board' has role viewer; this call needs admin");
    assertRefused(platform, 403, "forbidden", "token 'agents' has role platform; this call needs admin");
    assertThat(admin.getAbortResponse()).isNull();
    assertThat(admin.getSecurityContext().getUserPrincipal().getName()).as("the audit actor").isEqualTo("ops");
  }

  @Test
  void anAcceptedCallerReplacesTheSecurityContextKeepingWhetherTheConnectionWasSecure() throws IOException {
    for (boolean secure : new boolean[] {true, false}) {
      ContainerRequest request = request("Bearer agents-token", secure);

      filter("platform").filter(request);

      assertThat(request.getAbortResponse()).isNull();
      assertThat(request.getSecurityContext())
          .isEqualTo(new BearerAuthFeature.CallerContext(new Caller("agents", Role.PLATFORM), secure));
    }
  }

  @Test
  void aRefusedRequestsBodyIsReadUpToOneMebibyteBeforeTheAnswerAndAnAcceptedOnesIsLeftToTheResource() throws IOException {
    ByteArrayInputStream small = new ByteArrayInputStream(new byte[200 * 1024]);
    ByteArrayInputStream large = new ByteArrayInputStream(new byte[3 << 20]);
    ByteArrayInputStream accepted = new ByteArrayInputStream(new byte[1024]);
    ContainerRequest unauthenticated = request(null);
    unauthenticated.setEntityStream(small);
    ContainerRequest forbidden = request("Bearer board-token");
    forbidden.setEntityStream(large);
    ContainerRequest allowed = request("Bearer ops-token");
    allowed.setEntityStream(accepted);

    filter("admin").filter(unauthenticated);
    filter("admin").filter(forbidden);
    filter("admin").filter(allowed);

    assertRefused(unauthenticated, 401, "unauthorized", REQUIRED);
    assertThat(small.available()).as("read to its end, so the connection can serve the next request").isZero();
    assertRefused(forbidden, 403, "forbidden", "token 'board' has role viewer; this call needs admin");
    assertThat(large.available()).as("no more than 1 MiB is read for a refusal").isEqualTo(2 << 20);
    assertThat(allowed.getAbortResponse()).isNull();
    assertThat(accepted.available()).isEqualTo(1024);
  }

  @Test
  void aBodyThatCannotBeReadStillGetsItsRefusal() throws IOException {
    ContainerRequest request = request("Bearer nope");
    request.setEntityStream(new InputStream() {
      @Override
      public int read() {
        return 'x'; // there is a body
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw new IOException("the client went away");
      }

      @Override
      public boolean markSupported() {
        return true;
      }

      @Override
      public void mark(int limit) {}

      @Override
      public void reset() {}
    });

    filter("viewer").filter(request);

    assertRefused(request, 401, "unauthorized", UNKNOWN);
  }

  // --- fixtures

  static Method endpoint(String name) {
    try {
      return Endpoints.class.getMethod(name);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  /** What the feature registers for this resource method. */
  List<Object> registeredFor(Method method) {
    Registrations context = new Registrations();
    feature.configure(new ResourceInfo() {
      @Override
      public Method getResourceMethod() {
        return method;
      }

      @Override
      public Class<?> getResourceClass() {
        return method.getDeclaringClass();
      }
    }, context);
    return context.registered;
  }

  ContainerRequestFilter filter(String endpoint) {
    return (ContainerRequestFilter) registeredFor(endpoint(endpoint)).get(0);
  }

  static ContainerRequest request(String authorization) {
    return request(authorization, false);
  }

  static ContainerRequest request(String authorization, boolean secure) {
    ContainerRequest request = new ContainerRequest(URI.create("http://127.0.0.1/"), URI.create("http://127.0.0.1/v1/tenants"),
        "POST", new Anonymous(secure), new MapPropertiesDelegate(), null);
    if (authorization != null) {
      request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    return request;
  }

  static void assertRefused(ContainerRequest request, int status, String error, String message) {
    Response answer = request.getAbortResponse();
    assertThat(answer).as(request.getHeaderString(HttpHeaders.AUTHORIZATION)).isNotNull();
    assertThat(answer.getStatus()).isEqualTo(status);
    assertThat(answer.getMediaType()).isEqualTo(MediaType.APPLICATION_JSON_TYPE);
    assertThat(answer.getEntity()).isEqualTo(new ApiError(status, error, message, null));
    if (status == 401) {
      assertThat(answer.getHeaderString(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(CHALLENGE);
    }
    assertThat(request.getSecurityContext()).as("no caller for a refused request").isInstanceOf(Anonymous.class);
  }

  /** The security context a request arrives with, before any token is looked at. */
  record Anonymous(boolean secure) implements SecurityContext {
    @Override
    public Principal getUserPrincipal() {
      return null;
    }

    @Override
    public boolean isUserInRole(String role) {
      return false;
    }

    @Override
    public boolean isSecure() {
      return secure;
    }

    @Override
    public String getAuthenticationScheme() {
      return null;
    }
  }

  /** A feature context that keeps what is registered as an instance and refuses any other kind of registration. */
  static final class Registrations implements FeatureContext {
    final List<Object> registered = new ArrayList<>();

    @Override
    public FeatureContext register(Object component) {
      registered.add(component);
      return this;
    }

    @Override
    public Configuration getConfiguration() {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext property(String name, Object value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Class<?> componentClass) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Class<?> componentClass, int priority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Class<?> componentClass, Class<?>... contracts) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Class<?> componentClass, Map<Class<?>, Integer> contracts) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Object component, int priority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Object component, Class<?>... contracts) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FeatureContext register(Object component, Map<Class<?>, Integer> contracts) {
      throw new UnsupportedOperationException();
    }
  }
}
