package io.budgetgate.tenant;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmRejectedException;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.platform.auth.Caller;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.rules.BudgetDuration;
import io.budgetgate.rules.BudgetPeriods;
import io.budgetgate.tenant.api.CreateTenantRequest;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and reads tenants. Creation provisions the tenant's LiteLLM key first and stores the
 * tenant (with its audit entry) second; if the store fails the key is deleted again, so a failed
 * creation leaves nothing behind in either place.
 */
public class TenantService {
  private static final Logger LOG = LoggerFactory.getLogger(TenantService.class);
  private static final String UNIQUE_VIOLATION = "23505";

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final VirtualKeys keys;
  private final AuditLog audit;
  private final TenantDefaults defaults;
  private final Clock clock;

  public TenantService(Jdbi jdbi, LiteLlmClient litellm, VirtualKeys keys, AuditLog audit, TenantDefaults defaults,
      Clock clock) {
    this.jdbi = jdbi;
    this.litellm = litellm;
    this.keys = keys;
    this.audit = audit;
    this.defaults = defaults;
    this.clock = clock;
  }

  /** The tenant, if it exists. */
  public Optional<Tenant> find(String tenantId) {
    return jdbi.withExtension(TenantDao.class, dao -> dao.find(tenantId));
  }

  /** The tenant, or 404 {@code unknown_tenant}. */
  public Tenant require(String tenantId) {
    return find(tenantId).orElseThrow(() -> unknownTenant(tenantId));
  }

  /**
   * The tenant a LiteLLM key event is about: by the key's hash ({@code token}) when the event has
   * one, else by key alias. A token that matches no tenant finds none, even when the alias matches:
   * it is another key that carries the alias (ours was deleted and the alias reused), and its spend
   * is not the tenant's. Never by {@code team_id}.
   */
  public Optional<Tenant> findForLiteLlm(String keyAlias, String tokenHash) {
    return jdbi.withExtension(TenantDao.class, dao -> {
      if (tokenHash != null) {
        return dao.findByKeyHash(tokenHash);
      }
      return keyAlias == null ? Optional.empty() : dao.findByKeyAlias(keyAlias);
    });
  }

  /**
   * Stores a newly generated key in place of one LiteLLM lost, with its audit entry; if that fails
   * the new key is deleted again, so nothing is left half-done in either place.
   */
  public void replaceKey(String actor, String tenantId, GeneratedKey key, BigDecimal syncedMaxBudget,
      Map<String, Object> details) {
    try {
      jdbi.useTransaction(handle -> {
        if (handle.attach(TenantDao.class).replaceKey(tenantId, key.keyAlias(), key.tokenHash(), keys.seal(tenantId, key.key()),
            syncedMaxBudget, clock.instant()) == 0) {
          throw unknownTenant(tenantId);
        }
        audit.record(handle, actor, "tenant.key_reprovisioned", tenantId, details);
      });
    } catch (RuntimeException e) {
      removeKeyAfterFailedStore(tenantId, key);
      throw e;
    }
    LOG.info("tenant {} has a new LiteLLM key (alias {}), re-provisioned by {}", tenantId, key.keyAlias(), actor);
  }

  public static ServiceException unknownTenant(String tenantId) {
    return ServiceException.notFound("unknown_tenant", "no tenant with id '" + tenantId + "'");
  }

  List<Tenant> page(String after, int limit) {
    return jdbi.withExtension(TenantDao.class, dao -> dao.page(after, limit));
  }

  Tenant create(Caller caller, CreateTenantRequest request) {
    TenantSpec spec = TenantValidator.validate(request, defaults);
    if (jdbi.withExtension(TenantDao.class, dao -> dao.exists(spec.tenantId()))) {
      throw duplicate(spec.tenantId());
    }
    GeneratedKey key = provisionKey(spec);
    try {
      jdbi.useTransaction(handle -> {
        handle.attach(TenantDao.class).insert(newRow(spec, key));
        audit.record(handle, caller.name(), "tenant.created", spec.tenantId(), auditDetails(spec));
      });
    } catch (RuntimeException e) {
      removeKeyAfterFailedStore(spec.tenantId(), key);
      if (isUniqueViolation(e)) {
        throw duplicate(spec.tenantId());
      }
      if (!(e instanceof JdbiException)) {
        throw e;
      }
      throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "database_unavailable",
          "tenant '" + spec.tenantId() + "' could not be stored; its LiteLLM key was removed again and "
              + "nothing was created. Retry when the database is healthy.", null, e);
    }
    LOG.info("tenant {} created by {} (LiteLLM key alias {})", spec.tenantId(), caller.name(), key.keyAlias());
    return require(spec.tenantId());
  }

  private GeneratedKey provisionKey(TenantSpec spec) {
    Map<String, String> metadata = Map.of("tenant_id", spec.tenantId(), "managed_by", "budgetgate");
    try {
      return litellm.generateKey(new KeyGenerateRequest(
          spec.tenantId(), spec.limits().blockAt(), spec.budgetDuration(), metadata));
    } catch (LiteLlmRejectedException e) {
      if (find(spec.tenantId()).isPresent()) {
        throw duplicate(spec.tenantId()); // a concurrent creation of the same tenant won the alias
      }
      throw new ServiceException(ServiceException.Kind.DEPENDENCY_REFUSED, "litellm_rejected",
          "LiteLLM refused to create the key for tenant '" + spec.tenantId() + "': " + e.getMessage()
              + ". Nothing was created.", null, e);
    } catch (LiteLlmException e) {
      throw ServiceException.unavailable("litellm_unavailable",
          "LiteLLM could not be reached to create the key for tenant '" + spec.tenantId()
              + "' (" + e.getMessage() + "). Nothing was created; retry later.", e);
    }
  }

  private void removeKeyAfterFailedStore(String tenantId, GeneratedKey key) {
    try {
      litellm.deleteKey(key.key());
      LOG.warn("tenant {} was not stored; its LiteLLM key (alias {}) was deleted again", tenantId, key.keyAlias());
    } catch (LiteLlmException e) {
      LOG.error("tenant {} was not stored and its LiteLLM key could not be deleted: remove it by hand "
          + "(POST /key/delete {{\"keys\": [\"{}\"]}}, the key's hash): {}", tenantId, key.tokenHash(), e.getMessage());
    }
  }

  private TenantDao.NewRow newRow(TenantSpec spec, GeneratedKey key) {
    return new TenantDao.NewRow(
        spec.tenantId(), spec.name(), spec.maxBudget(), spec.alertThreshold(), spec.graceThreshold(),
        spec.budgetDuration(), firstReset(spec.budgetDuration()), spec.limits().blockAt(),
        spec.tenantId(), key.tokenHash(), keys.seal(spec.tenantId(), key.key()),
        spec.notificationEmails().toArray(String[]::new), spec.slackWebhookUrl(), clock.instant());
  }

  private Instant firstReset(String duration) {
    return duration == null ? null : BudgetPeriods.nextReset(BudgetDuration.parse(duration), clock.instant());
  }

  private static Map<String, Object> auditDetails(TenantSpec spec) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", spec.name());
    details.put("max_budget", spec.maxBudget());
    details.put("alert_threshold", spec.alertThreshold());
    details.put("grace_threshold", spec.graceThreshold());
    details.put("budget_duration", spec.budgetDuration());
    details.put("block_at", spec.limits().blockAt());
    details.put("notification_emails", spec.notificationEmails());
    details.put("slack_webhook", spec.slackWebhookUrl() != null);
    return details;
  }

  private static ServiceException duplicate(String tenantId) {
    return ServiceException.conflict("tenant_exists", "a tenant with id '" + tenantId + "' already exists");
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
