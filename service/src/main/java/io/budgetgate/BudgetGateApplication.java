package io.budgetgate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.budgetgate.alert.AlertResource;
import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.AlertWiring;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.audit.AuditResource;
import io.budgetgate.audit.AuditWiring;
import io.budgetgate.budget.BudgetResource;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.budget.LlmAccessResource;
import io.budgetgate.budget.ReservationResource;
import io.budgetgate.budget.SpendHistory;
import io.budgetgate.dashboard.DashboardWiring;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmWiring;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.notify.NotifyWiring;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.PrometheusWiring;
import io.budgetgate.platform.auth.AuthWiring;
import io.budgetgate.platform.auth.TokenRegistry;
import io.budgetgate.platform.cache.CacheWiring;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.platform.db.DatabaseStartup;
import io.budgetgate.platform.db.SchemaMigrations;
import io.budgetgate.platform.http.ErrorHandling;
import io.budgetgate.platform.http.PingResource;
import io.budgetgate.platform.openapi.OpenApiWiring;
import io.budgetgate.reset.BudgetResetResource;
import io.budgetgate.reset.BudgetResetService;
import io.budgetgate.reset.ResetWiring;
import io.budgetgate.tenant.TenantResource;
import io.budgetgate.tenant.TenantService;
import io.budgetgate.tenant.TenantWiring;
import io.budgetgate.webhook.WebhookResource;
import io.budgetgate.webhook.WebhookWiring;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import io.dropwizard.views.common.ViewBundle;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.commons.text.StringSubstitutor;
import org.jdbi.v3.core.Jdbi;

/** BudgetGate: per-tenant LLM budget enforcement beside a LiteLLM proxy. */
public class BudgetGateApplication extends Application<BudgetGateConfiguration> {
  /** Every resource on the application port; {@code GET /openapi.json} describes exactly these. */
  static final List<Class<?>> API_RESOURCES = List.of(TenantResource.class, BudgetResource.class,
      LlmAccessResource.class, ReservationResource.class, BudgetResetResource.class, AlertResource.class, AuditResource.class,
      WebhookResource.class, PingResource.class);

  public static void main(String[] args) throws Exception {
    SchemaMigrations.disableLiquibaseAnalytics();
    if (System.getProperty(LiteLlmSimulator.NODELAY_PROPERTY) == null) {
      System.setProperty(LiteLlmSimulator.NODELAY_PROPERTY, "true"); // for the simulator local mode serves
    }
    new BudgetGateApplication().run(args);
  }

  @Override
  public String getName() {
    return "budgetgate";
  }

  @Override
  public void initialize(Bootstrap<BudgetGateConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(bootstrap.getConfigurationSourceProvider(), substitutor()));
    bootstrap.addBundle(new MigrationsBundle<>() {
      @Override
      public DataSourceFactory getDataSourceFactory(BudgetGateConfiguration configuration) {
        return configuration.getDatabase();
      }

      @Override
      public String getMigrationsFileName() {
        return SchemaMigrations.CHANGELOG;
      }
    });
    bootstrap.addBundle(new ViewBundle<>());
    bootstrap.addCommand(new SecretsCommand());
  }

  /** Strict: a ${VAR} with no value and no ":-default" stops the service, naming the variable. */
  protected StringSubstitutor substitutor() {
    return new EnvironmentVariableSubstitutor(true);
  }

  @Override
  public void run(BudgetGateConfiguration config, Environment environment) throws Exception {
    Clock clock = clock();
    configureJson(environment.getObjectMapper());
    ErrorHandling.install(config.getServerFactory(), environment);
    DatabaseStartup.prepare(config, environment);
    Jdbi jdbi = new JdbiFactory().build(environment, config.getDatabase(), "database");
    jdbi.registerArrayType(String.class, "text");

    // Each feature is built from what the ones before it return, so this order is the dependency
    // order (docs/architecture.md): alerts before budgets because a budget check raises alerts, the
    // reconciler after budgets because it reads them.
    TokenRegistry tokens = AuthWiring.wire(config.getAuth(), config.getMode(), environment);
    environment.jersey().register(new PingResource());
    PrometheusWiring.wire(environment);
    LiteLlmWiring.LiteLlm litellmFeature = LiteLlmWiring.wire(config.getLitellm(), config.getSecrets(), clock, environment);
    LiteLlmClient litellm = litellmFeature.client();
    AuditLog audit = AuditWiring.wire(jdbi, clock, environment);
    KeyValueCache cache = CacheWiring.wire(config.getRedis(), clock, environment);
    TenantService tenants = TenantWiring.wire(jdbi, litellm, litellmFeature.keys(), audit, config.getTenantDefaults(), clock, environment);
    Outbox outbox = NotifyWiring.wire(jdbi, audit, config.getNotifications(), clock, environment);
    AlertWiring.Alerting alerting = AlertWiring.alerts(jdbi, cache, tenants, outbox, audit,
        config.getAlerts(), clock, environment);
    BudgetWiring.Budgets budgetFeature = BudgetWiring.wire(jdbi, litellmFeature, tenants, cache, audit, config.getBudget(),
        config.getReservations(), config.getLitellm().publicBaseUrl(), alerting.freshStatuses(), clock, environment);
    BudgetService budgets = budgetFeature.service();
    BudgetWiring.hotPath(budgetFeature, config.getBudget(), tokens, apiAtRoot(config.getServerFactory()), environment);
    BudgetResetService resets = ResetWiring.wire(jdbi, litellm, budgetFeature, tenants, outbox, audit, clock,
        config.getBudget().jobInterval().toJavaDuration(), environment);
    AlertWiring.reconciler(jdbi, litellm, alerting, budgetFeature, config.getAlerts(), clock, environment);
    WebhookWiring.wire(config.getWebhook(), tenants, budgets, alerting.service(), outbox, audit, clock,
        environment);
    DashboardWiring.wire(config.getDashboard(), config.getMode(), tokens, jdbi,
        new DashboardWiring.Sources(tenants, budgetFeature, resets, alerting.service(), audit), clock, environment);
    OpenApiWiring.wire(API_RESOURCES, environment);
    wired(new Wired(budgets, budgetFeature.history(), alerting.service()));
  }

  /**
   * Called once {@link #run} has wired every feature, with the services a test drives in process
   * (to make a race happen rather than wait for it). Nothing in the service calls them from here;
   * job rounds are admin tasks ({@code POST /tasks/reconcile}, {@code reset-budgets},
   * {@code drain-outbox}, {@code sync-litellm-keys}).
   */
  protected void wired(Wired wired) {}

  /** What {@link #wired} hands over. */
  public record Wired(BudgetService budgets, SpendHistory spendHistory, AlertService alerts) {}

  /**
   * The clock every feature reads, in whole microseconds as PostgreSQL stores them (so an instant
   * read back equals the one written). Tests replace it to move time instead of waiting.
   */
  protected Clock clock() {
    return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
  }

  /** The API's paths are as api.md writes them: no application context path, Jersey at the root. */
  static boolean apiAtRoot(ServerFactory serverFactory) {
    return serverFactory instanceof DefaultServerFactory server && "/".equals(server.getApplicationContextPath())
        && server.getJerseyRootPath().map(root -> root.equals("/*") || root.equals("/")).orElse(true);
  }

  /** The API speaks snake_case JSON with ISO-8601 times and exact decimals. */
  public static void configureJson(ObjectMapper mapper) {
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }
}
