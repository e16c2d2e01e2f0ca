package io.budgetgate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.budgetgate.alert.AlertConfig;
import io.budgetgate.budget.BudgetConfig;
import io.budgetgate.budget.ReservationConfig;
import io.budgetgate.dashboard.DashboardConfig;
import io.budgetgate.litellm.LiteLlmConfig;
import io.budgetgate.notify.NotifyConfig;
import io.budgetgate.platform.RunMode;
import io.budgetgate.platform.auth.AuthConfig;
import io.budgetgate.platform.cache.RedisConfig;
import io.budgetgate.platform.db.EmbeddedDatabaseConfig;
import io.budgetgate.platform.secrets.SecretsConfig;
import io.budgetgate.tenant.TenantDefaults;
import io.budgetgate.webhook.WebhookConfig;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The whole configuration tree, read from service/config.yml (production) or service/local.yml. */
public class BudgetGateConfiguration extends Configuration {

  @Valid @NotNull @JsonProperty private RunMode mode = RunMode.PRODUCTION;

  @Valid @NotNull @JsonProperty private DataSourceFactory database = new DataSourceFactory();

  @Valid @JsonProperty
  private EmbeddedDatabaseConfig embeddedDatabase = EmbeddedDatabaseConfig.disabled();

  @Valid @NotNull @JsonProperty private LiteLlmConfig litellm;

  @Valid @NotNull @JsonProperty private AuthConfig auth;

  @Valid @NotNull @JsonProperty private TenantDefaults tenantDefaults = TenantDefaults.standard();

  @Valid @NotNull @JsonProperty private RedisConfig redis = RedisConfig.inProcess();

  @Valid @NotNull @JsonProperty private BudgetConfig budget = BudgetConfig.defaults();

  @Valid @NotNull @JsonProperty private ReservationConfig reservations = ReservationConfig.defaults();

  @Valid @NotNull @JsonProperty private WebhookConfig webhook = WebhookConfig.local();

  @Valid @NotNull @JsonProperty private AlertConfig alerts = AlertConfig.defaults();

  @Valid @NotNull @JsonProperty private NotifyConfig notifications = NotifyConfig.previewsOnly();

  @Valid @NotNull @JsonProperty private DashboardConfig dashboard = DashboardConfig.defaults();

  @Valid @NotNull @JsonProperty private SecretsConfig secrets;

  public RunMode getMode() {
    return mode;
  }

  /** The LiteLLM simulator answers as LiteLLM with made-up spend: never behind a real platform. */
  @JsonIgnore
  @ValidationMethod(message = "litellm.simulator.enabled is for mode: local only; turn the simulator off and point "
      + "litellm.baseUrl at LiteLLM, or set mode: local")
  public boolean isSimulatorOnlyInLocalMode() {
    return mode == RunMode.LOCAL || litellm == null || !litellm.simulator().enabled();
  }

  /** The development key-encryption key of local.yml is published: it protects nothing. */
  @JsonIgnore
  @ValidationMethod(message = "secrets.keyEncryptionKeys holds local.yml's development key, which is published in the "
      + "repository; outside mode: local set KEY_ENCRYPTION_KEYS to a key of your own (docs/security.md)")
  public boolean isDevelopmentKeyOnlyInLocalMode() {
    return mode == RunMode.LOCAL || secrets == null || !secrets.usesDevelopmentKey();
  }

  public DataSourceFactory getDatabase() {
    return database;
  }

  public EmbeddedDatabaseConfig getEmbeddedDatabase() {
    return embeddedDatabase;
  }

  public LiteLlmConfig getLitellm() {
    return litellm;
  }

  public AuthConfig getAuth() {
    return auth;
  }

  public TenantDefaults getTenantDefaults() {
    return tenantDefaults;
  }

  public RedisConfig getRedis() {
    return redis;
  }

  public BudgetConfig getBudget() {
    return budget;
  }

  public ReservationConfig getReservations() {
    return reservations;
  }

  public WebhookConfig getWebhook() {
    return webhook;
  }

  public AlertConfig getAlerts() {
    return alerts;
  }

  public NotifyConfig getNotifications() {
    return notifications;
  }

  public DashboardConfig getDashboard() {
    return dashboard;
  }

  public SecretsConfig getSecrets() {
    return secrets;
  }
}
