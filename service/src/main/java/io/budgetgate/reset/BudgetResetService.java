package io.budgetgate.reset;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetPeriodStore.Period;
import io.budgetgate.budget.BudgetPeriodStore;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.rules.BudgetDuration;
import io.budgetgate.rules.BudgetPeriods;
import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a tenant's new budget period: resets the key's spend in LiteLLM (unless LiteLLM's own
 * reset job already did), records {@code litellm_key_last_reset}, schedules the next
 * {@code budget_reset_at}, queues the "budget reset" notice, forgets the cached spend, and audits
 * {@code budget.reset}. LiteLLM is called before the transaction, never inside it: when the commit
 * then fails, the period is still due, and the next round finds LiteLLM's own reset date moved by
 * the zeroing write and records the period without zeroing again.
 */
public class BudgetResetService {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetResetService.class);

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final BudgetService budgets;
  private final BudgetPeriodStore periods;
  private final TenantService tenants;
  private final ResetNotices notices;
  private final AuditLog audit;
  private final Clock clock;

  /** The ended period's spend as LiteLLM reported it before the reset (null when not read), and whether it was zeroed. */
  private record SpendReset(boolean zeroed, BigDecimal finalSpend) {}

  BudgetResetService(Jdbi jdbi, LiteLlmClient litellm, BudgetService budgets, BudgetPeriodStore periods,
      TenantService tenants, ResetNotices notices, AuditLog audit, Clock clock) {
    this.jdbi = jdbi;
    this.litellm = litellm;
    this.budgets = budgets;
    this.periods = periods;
    this.tenants = tenants;
    this.notices = notices;
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
    Tenant tenant = tenants.require(tenantId);
    Period seen = periods.find(tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
    if (!onDemand && (seen.budgetResetAt() == null || seen.budgetResetAt().isAfter(now))) {
      return false;
    }
    BigDecimal budget = budgets.effectiveBudget(tenantId);
    String trigger = onDemand ? "on_demand" : "period_end";
    SpendReset spend = resetSpend(seen, now, onDemand);
    // The new period starts once LiteLLM's spend is zeroed, not when the reset began: a spend read
    // before this instant may still be the old period's, and alerts drop statuses read before
    // their tenant's period start (AlertService.raiseIfHigher).
    Instant periodStart = clock.instant();
    Optional<ResetNotices.Queued> done = jdbi.inTransaction(handle -> {
      Period row = periods.lock(handle, tenantId).orElseThrow(() -> TenantService.unknownTenant(tenantId));
      if (!row.samePeriod(seen)) {
        return Optional.empty(); // another instance started this period while LiteLLM was asked
      }
      Instant next = row.budgetDuration() == null ? null
          : BudgetPeriods.nextReset(BudgetDuration.parse(row.budgetDuration()), now);
      periods.startPeriod(handle, tenantId, periodStart, next);
      Instant previousStart = BudgetPeriods.periodStart(row.lastReset(), tenant.createdAt());
      ResetNotices.Queued notice = notices.queue(handle, tenant,
          new ResetNotices.Reset(periodStart, previousStart, spend.finalSpend(), budget, next, trigger));
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("trigger", trigger);
      details.put("period_ended_at", row.budgetResetAt() == null ? null : row.budgetResetAt().toString());
      details.put("next_reset_at", next == null ? null : next.toString());
      details.put("litellm_spend_zeroed", spend.zeroed());
      details.put("final_spend", notice.finalSpend());
      details.put("notice", notice.outcome());
      audit.record(handle, actor, "budget.reset", tenantId, details);
      return Optional.of(notice);
    });
    if (done.isPresent()) {
      budgets.forgetSpend(tenantId);
      if (done.get().notifies()) {
        notices.nudge();
      }
      LOG.info("budget period of tenant {} reset by {} (notice: {})", tenantId, actor, done.get().outcome());
    }
    return done.isPresent();
  }

  /**
   * Zeroes the key's spend unless LiteLLM has already moved its own reset past now, reading the
   * ended period's spend first. On demand that read is only for the notice, so its failure does not
   * stop the reset.
   */
  private SpendReset resetSpend(Period row, Instant now, boolean onDemand) {
    try {
      BigDecimal finalSpend;
      if (onDemand) {
        finalSpend = spendBeforeReset(row);
      } else {
        KeyInfo info = litellm.keyInfo(row.key());
        if (info.budgetResetAt() != null && info.budgetResetAt().isAfter(now)) {
          return new SpendReset(false, null); // LiteLLM's own reset job got there first: its spend is the new period's
        }
        finalSpend = BudgetPolicy.sanitiseSpend(info.spend());
      }
      litellm.updateKey(new KeyUpdate(row.key(), null, row.budgetDuration(), BigDecimal.ZERO));
      return new SpendReset(true, finalSpend);
    } catch (LiteLlmKeyMissingException e) {
      throw BudgetService.keyMissing(row.tenantId(), "its budget period was not reset and nothing changed", e);
    } catch (LiteLlmException e) {
      throw ServiceException.unavailable("litellm_unavailable", "the budget period of tenant '" + row.tenantId()
          + "' was not reset: LiteLLM could not zero the key's spend (" + e.getMessage() + "). Nothing changed.", e);
    }
  }

  private BigDecimal spendBeforeReset(Period row) {
    try {
      return BudgetPolicy.sanitiseSpend(litellm.keyInfo(row.key()).spend());
    } catch (LiteLlmException e) {
      LOG.warn("could not read tenant {}'s spend before resetting it; the reset notice uses the last sample: {}",
          row.tenantId(), e.getMessage());
      return null;
    }
  }
}
