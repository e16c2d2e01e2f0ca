package io.budgetgate.budget;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.auth.Role;
import io.budgetgate.platform.auth.TokenRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two calls an agent platform makes before every model call, answered without Jersey when
 * this instance already holds the tenant's status: {@code GET /v1/tenants/{id}/budget} and a
 * body-less {@code POST /v1/tenants/{id}/llm-access}. Jersey's own per-request work (routing,
 * provider lookups, request scope, property maps) was half of a cached check's CPU
 * (docs/perf/hot-path.md); this filter does only what the answer needs, with the same services and
 * the same answer-building code as the resources ({@link BudgetResource#status},
 * {@link LlmAccessResource#answer}).
 *
 * <p>It answers only what it can answer exactly as Jersey would, and hands everything else on to
 * Jersey unchanged: another method or path, a query string, a tenant id that is not plain
 * ({@code ^[a-z0-9][a-z0-9_-]{0,62}$}, so nothing percent-encoded), an {@code Accept} that is not
 * JSON, a request body, a missing, unknown or insufficient token (Jersey answers the 401 or 403), a
 * status that would need PostgreSQL or LiteLLM (a miss), and any failure while building the answer
 * (nothing has been written by then; Jersey builds it again and maps the error). Jetty's handlers
 * (request log, gzip, request metrics) wrap both paths alike. {@code budget.hotPath: false} turns
 * it off.
 */
final class BudgetHotPath implements Filter {
  private static final String PREFIX = "/v1/tenants/";
  private static final String BUDGET = "/budget";
  private static final String ACCESS = "/llm-access";
  private static final String BEARER = "Bearer ";
  private static final int MAX_TENANT_ID = 63;

  private final TokenRegistry tokens;
  private final BudgetService budgets;
  private final BudgetResource statuses;
  private final LlmAccessResource access;
  private final ObjectMapper json;
  private final Meter answered;

  BudgetHotPath(TokenRegistry tokens, BudgetService budgets, BudgetResource statuses, LlmAccessResource access, ObjectMapper json,
      MetricRegistry metrics) {
    this.tokens = tokens;
    this.budgets = budgets;
    this.statuses = statuses;
    this.access = access;
    this.json = json;
    this.answered = metrics.meter("budget.hot_path.answered");
  }

  /** Which of the two calls a request is, with its tenant id; empty for anything else. */
  record Call(String tenantId, boolean isAccess) {}

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse out && answer(http, out)) {
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Optional<Call> call = call(request.getMethod(), request.getRequestURI(), request.getQueryString());
    if (call.isEmpty() || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT)) || hasBody(request)
        || !authorised(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      return false;
    }
    Optional<BudgetService.Decision> decision = budgets.decideIfCached(call.get().tenantId());
    if (decision.isEmpty()) {
      return false;
    }
    int status;
    Map<String, List<Object>> headers = Map.of();
    byte[] body;
    try {
      Object entity;
      if (call.get().isAccess()) {
        Response answer = access.answer(decision.get(), null);
        status = answer.getStatus();
        entity = answer.getEntity();
        headers = answer.getHeaders();
      } else {
        status = Response.Status.OK.getStatusCode();
        entity = statuses.status(decision.get().status());
      }
      body = json.writeValueAsBytes(entity);
    } catch (IOException | RuntimeException e) {
      // nothing written yet: Jersey decides again (counted twice in the decision metrics) and maps what failed
      return false;
    }
    answered.mark(); // before the answer leaves, so whoever reads the meter after it sees it counted
    response.setStatus(status);
    for (Map.Entry<String, List<Object>> header : headers.entrySet()) {
      if (!header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
        for (Object value : header.getValue()) {
          response.addHeader(header.getKey(), String.valueOf(value));
        }
      }
    }
    response.setContentType(MediaType.APPLICATION_JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    return true;
  }

  /** {@code GET .../budget} or {@code POST .../llm-access} with a plain tenant id and no query string. */
  static Optional<Call> call(String method, String path, String query) {
    if (query != null || path == null || !path.startsWith(PREFIX)) {
      return Optional.empty();
    }
    boolean isAccess;
    String suffix;
    if ("GET".equals(method) && path.endsWith(BUDGET)) {
      isAccess = false;
      suffix = BUDGET;
    } else if ("POST".equals(method) && path.endsWith(ACCESS)) {
      isAccess = true;
      suffix = ACCESS;
    } else {
      return Optional.empty();
    }
    String tenantId = path.substring(PREFIX.length(), Math.max(PREFIX.length(), path.length() - suffix.length()));
    return plainTenantId(tenantId) ? Optional.of(new Call(tenantId, isAccess)) : Optional.empty();
  }

  /** {@code ^[a-z0-9][a-z0-9_-]{0,62}$}, checked without a regex on the hot path. */
  static boolean plainTenantId(String id) {
    if (id.isEmpty() || id.length() > MAX_TENANT_ID) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '-' && c != '_'))) {
        return false;
      }
    }
    return true;
  }

  /** No {@code Accept}, or one Jersey would answer with JSON for sure. */
  static boolean acceptsJson(String accept) {
    if (accept == null) {
      return true;
    }
    String a = accept.trim();
    return a.isEmpty() || a.equals("*/*") || a.equals(MediaType.APPLICATION_JSON);
  }

  private static boolean hasBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }

  private boolean authorised(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    Optional<Caller> caller = tokens.authenticate(header.substring(BEARER.length()).trim());
    return caller.isPresent() && caller.get().role().includes(Role.PLATFORM);
  }
}
