package io.budgetgate.budget;

import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.platform.http.ApiException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Keeps the tenant's LiteLLM key at {@code max_budget = block_at} of today's effective budget, so
 * LiteLLM is the last line of defence. Called inside the transaction that changes the budget:
 * if LiteLLM refuses or cannot be reached, the change rolls back with it.
 */
final class KeyBudgetSync {
  private final LiteLlmClient litellm;
  private final MissingKeys missingKeys;
  private final Clock clock;

  KeyBudgetSync(LiteLlmClient litellm, MissingKeys missingKeys, Clock clock) {
    this.litellm = litellm;
    this.missingKeys = missingKeys;
    this.clock = clock;
  }

  /** block_at of the row with the overrides live at {@code now}. */
  static BigDecimal blockAt(BudgetRow row, List<BudgetOverride> overrides, Instant now) {
    List<OverrideWindow> windows = overrides.stream().map(BudgetOverride::window).toList();
    return new BudgetLimits(BudgetPolicy.effectiveBudget(row.maxBudget(), windows, now), row.alertThreshold(),
        row.graceThreshold()).blockAt();
  }

  /** Writes block_at (and the duration, when given) to the key and records what was written. */
  BigDecimal sync(Handle handle, BudgetRow row, String newDuration, Instant now) {
    BudgetDao dao = handle.attach(BudgetDao.class);
    BigDecimal blockAt = blockAt(row, dao.liveOverrides(row.tenantId(), now), now);
    try {
      litellm.updateKey(new KeyUpdate(row.virtualKey(), blockAt, newDuration, null));
    } catch (LiteLlmKeyMissingException e) {
      missingKeys.missing(row.tenantId(), clock.instant());
      throw BudgetService.keyMissing(row.tenantId(), "nothing was changed", e);
    } catch (LiteLlmException e) {
      throw ApiException.unavailable("litellm_unavailable",
          "the budget of tenant '" + row.tenantId() + "' was not changed: LiteLLM could not update the key's "
              + "max_budget (" + e.getMessage() + "). Retry when LiteLLM is healthy.", e);
    }
    dao.markSynced(row.tenantId(), blockAt);
    return blockAt;
  }
}
