package io.budgetgate.budget;

import io.budgetgate.platform.auth.TokenRegistry;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.LiteLlmWiring;
import io.budgetgate.platform.AdminTask;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.tenant.TenantService;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/** Builds budget status, enforcement, budget changes and overrides. */
public final class BudgetWiring {
  private BudgetWiring() {}

  /** What other features use: status and enforcement, overrides, the all-tenants board, and the spend history the
   * reconciler records into. */
  public record Budgets(BudgetService service, OverrideService overrides, BudgetBoard board, SpendHistory history,
      TenantPages pages, BudgetPeriodStore periods, ReservationService reservations, Resources resources) {}

  /** The two resources whose answers {@link BudgetHotPath} gives too, built once. */
  public record Resources(BudgetResource statuses, LlmAccessResource access) {}

  /** {@code freshStatuses}: where statuses read fresh from LiteLLM go (the alerts a budget check raises). */
  public static Budgets wire(Jdbi jdbi, LiteLlmWiring.LiteLlm litellm, TenantService tenants, KeyValueCache cache, AuditLog audit,
      BudgetConfig config, ReservationConfig reservationConfig, String publicLiteLlmUrl,
      Consumer<BudgetStanding> freshStatuses, Clock clock, Environment environment) {
    BudgetRowMappers.register(jdbi, litellm.keys());
    BudgetCache budgetCache = new BudgetCache(cache, environment.getObjectMapper(),
        config.cacheTtl().toJavaDuration(), config.staleLimit().toJavaDuration(),
        environment.metrics());
    SpendHistory history = new SpendHistory(jdbi);
    BudgetService budgets = new BudgetService(jdbi, litellm.client(), litellm.missingKeys(), budgetCache, audit, config,
        freshStatuses, clock,
        environment.metrics());
    environment.healthChecks().register("litellm-sync", new KeySyncBacklog(jdbi, clock,
        config.syncAlarmAfter().toJavaDuration(), environment.metrics()));
    OverrideService overrides = new OverrideService(jdbi, budgets, audit, clock, UUID::randomUUID);
    ReservationService reservations = new ReservationService(jdbi, cache, environment.getObjectMapper(), reservationConfig,
        clock, UUID::randomUUID, environment.metrics());
    new OpenReservations(jdbi, clock, environment.metrics());
    environment.lifecycle().manage(new ReservationSweeper(reservations, reservationConfig.sweepInterval().toJavaDuration()));
    // POST /tasks/sweep-reservations: expire the holds past their expiry now (every instance also does it on its own)
    environment.admin().addTask(AdminTask.round("sweep-reservations", "holds_expired", reservations::sweep,
        environment.getObjectMapper()));
    Resources resources = new Resources(new BudgetResource(budgets, overrides, reservations),
        new LlmAccessResource(budgets, reservations, publicLiteLlmUrl, environment.getObjectMapper(), clock));
    environment.jersey().register(resources.statuses());
    environment.jersey().register(resources.access());
    environment.jersey().register(new ReservationResource(reservations));
    environment.admin().addTask(new ReprovisionKeyTask(new KeyReprovision(jdbi, litellm.client(), litellm.missingKeys(),
        budgets, history, tenants, clock), environment.getObjectMapper()));
    // POST /tasks/sync-litellm-keys: push block_at to every key whose sync is pending, now
    environment.admin().addTask(AdminTask.round("sync-litellm-keys", "keys_synced", () -> budgets.syncPendingKeys(() -> true),
        environment.getObjectMapper()));
    return new Budgets(budgets, overrides, new BudgetBoard(jdbi, history, clock), history, new TenantPages(jdbi),
        new BudgetPeriodStore(jdbi, litellm.keys()), reservations, resources);
  }

  /**
   * Puts {@link BudgetHotPath} in front of Jersey for {@code /v1/tenants/*}, unless
   * {@code budget.hotPath} is false or the API does not sit at the root ({@code server.applicationContextPath}
   * or {@code server.rootPath} moved): the filter knows the paths only as they are by default.
   */
  public static void hotPath(Budgets feature, BudgetConfig config, TokenRegistry tokens, boolean apiAtRoot,
      Environment environment) {
    if (!config.hotPath() || !apiAtRoot) {
      return;
    }
    BudgetHotPath filter = new BudgetHotPath(tokens, feature.service(), feature.resources().statuses(),
        feature.resources().access(), environment.getObjectMapper(), environment.metrics());
    environment.servlets().addFilter("budget-hot-path", filter)
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/v1/tenants/*");
  }
}
