package io.budgetgate.reset;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetDuration;
import io.budgetgate.budget.BudgetPeriods;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.platform.http.ApiException;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a tenant's new budget period: resets the key's spend in LiteLLM (unless LiteLLM's own
 * reset job already did), records {@code litellm_key_last_reset}, schedules the next
 * {@code budget_reset_at}, forgets the cached spend, and audits {@code budget.reset}.
 */
public class BudgetResetService {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetResetService.class);

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final BudgetService budgets;
  private final AuditLog audit;
  private final Clock clock;

  BudgetResetService(Jdbi jdbi, LiteLlmClient litellm, BudgetService budgets, AuditLog audit, Clock clock) {
    this.jdbi = jdbi;
    this.litellm = litellm;
    this.budgets = budgets;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Resets now. {@code onDemand}: an admin asked, so the spend is zeroed whatever LiteLLM did;
   * otherwise (the job) only when the period is due and LiteLLM has not reset the key itself.
   *
   * @return whether a reset happened
   */
  public boolean reset(String actor, String tenantId, boolean onDemand) {
    Instant now = clock.instant();
    boolean done = jdbi.inTransaction(handle -> {
      ResetDao dao = handle.attach(ResetDao.class);
      ResetDao.PeriodRow row = dao.lock(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      if (!onDemand && (row.budgetResetAt() == null || row.budgetResetAt().isAfter(now))) {
        return false; // another instance already started this period
      }
      boolean zeroed = resetSpend(row, now, onDemand);
      Instant next = row.budgetDuration() == null ? null
          : BudgetPeriods.nextReset(BudgetDuration.parse(row.budgetDuration()), now);
      dao.recordReset(tenantId, now, next);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("trigger", onDemand ? "on_demand" : "period_end");
      details.put("period_ended_at", row.budgetResetAt() == null ? null : row.budgetResetAt().toString());
      details.put("next_reset_at", next == null ? null : next.toString());
      details.put("litellm_spend_zeroed", zeroed);
      audit.record(handle, actor, "budget.reset", tenantId, details);
      return true;
    });
    if (done) {
      budgets.forgetSpend(tenantId);
      LOG.info("budget period of tenant {} reset by {}", tenantId, actor);
    }
    return done;
  }

  /** Zeroes the key's spend unless LiteLLM has already moved its own reset past now. */
  private boolean resetSpend(ResetDao.PeriodRow row, Instant now, boolean onDemand) {
    try {
      if (!onDemand) {
        KeyInfo info = litellm.keyInfo(row.key());
        if (info.budgetResetAt() != null && info.budgetResetAt().isAfter(now)) {
          return false; // LiteLLM's own reset job got there first
        }
      }
      litellm.updateKey(new KeyUpdate(row.key(), null, row.budgetDuration(), BigDecimal.ZERO));
      return true;
    } catch (LiteLlmException e) {
      throw ApiException.unavailable("litellm_unavailable", "the budget period of tenant '" + row.tenantId()
          + "' was not reset: LiteLLM could not zero the key's spend (" + e.getMessage() + "). Nothing changed.", e);
    }
  }
}
