package io.budgetgate.dashboard;

import io.budgetgate.alert.AlertService;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.platform.RunMode;
import io.budgetgate.platform.auth.TokenRegistry;
import io.budgetgate.reset.BudgetResetService;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the operator dashboard: sessions, the sign-in form, the overview and tenant pages. */
public final class DashboardWiring {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardWiring.class);

  private DashboardWiring() {}

  /** The features the dashboard reads from and acts through. */
  public record Sources(TenantService tenants, BudgetWiring.Budgets budgets, BudgetResetService resets,
      AlertService alerts, AuditLog audit) {}

  public static void wire(DashboardConfig config, RunMode mode, TokenRegistry tokens, Jdbi jdbi, Sources from, Clock clock,
      Environment environment) {
    DashboardSessions sessions = new DashboardSessions(secret(config, mode), tokens,
        config.sessionTtl().toJavaDuration());
    DashboardGate gate = new DashboardGate(sessions, new DashboardSignOuts(jdbi), clock);
    TenantPage tenantPage = new TenantPage(from.tenants(), from.budgets(), from.alerts(), from.audit(), clock);
    environment.jersey().register(new SignInResource(sessions, gate, new SignInThrottle(clock, environment.metrics()),
        clock));
    environment.jersey().register(new DashboardResource(gate, new Overview(from.budgets().board(), config.pageSize()),
        tenantPage, from.budgets().overrides(), from.resets(), clock));
  }

  private static byte[] secret(DashboardConfig config, RunMode mode) {
    if (!config.sessionSecret().isEmpty()) {
      return DashboardConfig.decode(config.sessionSecret());
    }
    if (mode != RunMode.LOCAL) {
      LOG.warn("DASHBOARD_SESSION_SECRET is not set: dashboard sessions are signed with a random secret, so they end "
          + "when this instance restarts and another instance will not accept them");
    }
    byte[] random = new byte[DashboardConfig.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(random);
    return random;
  }
}
