package io.budgetgate.budget;

import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.LiteLlmRejectedException;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.api.GeneratedKey;
import io.budgetgate.litellm.api.KeyGenerateRequest;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.rules.SpendSample;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Gives a tenant whose LiteLLM key was deleted outside BudgetGate a new one: only once LiteLLM
 * confirms the old key is gone; with the tenant's block_at as max_budget; and starting at the
 * newest spend BudgetGate saw in this period, so losing a key never hands back spent money.
 * No transaction is open while LiteLLM is called.
 */
public final class KeyReprovision {
  /** What a re-provisioning did. */
  public record Outcome(String tenantId, BigDecimal maxBudget, BigDecimal carriedSpend, String keyName) {}

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final MissingKeys missingKeys;
  private final BudgetService budgets;
  private final SpendHistory history;
  private final TenantService tenants;
  private final Clock clock;

  KeyReprovision(Jdbi jdbi, LiteLlmClient litellm, MissingKeys missingKeys, BudgetService budgets, SpendHistory history,
      TenantService tenants, Clock clock) {
    this.jdbi = jdbi;
    this.litellm = litellm;
    this.missingKeys = missingKeys;
    this.budgets = budgets;
    this.history = history;
    this.tenants = tenants;
    this.clock = clock;
  }

  public Outcome reprovision(String actor, String tenantId) {
    Instant now = clock.instant();
    Tenant tenant = tenants.require(tenantId);
    BigDecimal blockAt = jdbi.withExtension(BudgetDao.class, dao -> KeyBudgetSync.blockAt(
        dao.find(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId)), dao.liveOverrides(tenantId, now), now));
    requireMissing(tenant);
    BigDecimal carried = carriedSpend(tenant, now);
    GeneratedKey key;
    try {
      key = litellm.generateKey(new KeyGenerateRequest(tenantId, blockAt, tenant.budgetDuration(),
          Map.of("tenant_id", tenantId, "managed_by", "budgetgate"), carried));
    } catch (LiteLlmRejectedException e) {
      throw ServiceException.conflict("litellm_rejected", "LiteLLM refused a new key for tenant '" + tenantId + "' ("
          + e.getMessage() + "); if another key holds the alias '" + tenantId + "', delete that key in LiteLLM first");
    } catch (LiteLlmException e) {
      throw ServiceException.unavailable("litellm_unavailable", "LiteLLM could not create a new key for tenant '" + tenantId
          + "' (" + e.getMessage() + "); nothing changed, retry later", e);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("litellm_max_budget", blockAt);
    details.put("carried_spend", carried);
    details.put("key_name", key.key().masked());
    tenants.replaceKey(actor, tenantId, key, blockAt, details);
    missingKeys.present(tenantId);
    budgets.invalidate(tenantId);
    return new Outcome(tenantId, blockAt, carried, key.key().masked());
  }

  /** Refuses unless LiteLLM itself says the key does not exist: a key that is merely unreachable is not replaced. */
  private void requireMissing(Tenant tenant) {
    try {
      litellm.keyInfo(tenant.virtualKey());
    } catch (LiteLlmKeyMissingException e) {
      return;
    } catch (LiteLlmException e) {
      throw ServiceException.unavailable("litellm_unavailable", "LiteLLM could not say whether the key of tenant '"
          + tenant.tenantId() + "' exists (" + e.getMessage() + "); nothing changed, retry later", e);
    }
    missingKeys.present(tenant.tenantId());
    throw ServiceException.conflict("litellm_key_present", "the key of tenant '" + tenant.tenantId()
        + "' exists in LiteLLM: nothing to re-provision");
  }

  /** The newer of the last known spend and the newest spend sample of this period, or 0 when there is neither. */
  private BigDecimal carriedSpend(Tenant tenant, Instant now) {
    Optional<BigDecimal> known = budgets.lastKnownSpend(tenant.tenantId(), now);
    Optional<BigDecimal> sampled = history.latestSince(tenant.tenantId(), tenant.periodStart()).map(SpendSample::spend);
    return known.map(k -> sampled.map(k::max).orElse(k)).or(() -> sampled).orElse(BigDecimal.ZERO);
  }
}
