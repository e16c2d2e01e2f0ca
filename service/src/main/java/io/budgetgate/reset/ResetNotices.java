package io.budgetgate.reset;

import io.budgetgate.budget.SpendHistory;
import io.budgetgate.notify.MessageRenderer;
import io.budgetgate.notify.Outbox;
import io.budgetgate.rules.SpendSample;
import io.budgetgate.tenant.Tenant;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Queues the "budget reset" notice of a new period to the tenant's contacts, inside the reset's
 * transaction: one per tenant and period start ({@code uq_budget_reset_notices_period}), so a
 * reset repeated for the same period start queues nothing more.
 */
class ResetNotices {
  /** What queuing did: {@code queued}, {@code no_recipients} or {@code duplicate}. */
  record Queued(UUID noticeId, String outcome, BigDecimal finalSpend) {
    boolean notifies() {
      return "queued".equals(outcome);
    }
  }

  /** The period that ended and the one that starts. */
  record Reset(Instant periodStart, Instant previousPeriodStart, BigDecimal finalSpend, BigDecimal effectiveBudget,
      Instant nextResetAt, String trigger) {}

  private final Outbox outbox;
  private final SpendHistory history;
  private final Supplier<UUID> ids;

  ResetNotices(Outbox outbox, SpendHistory history, Supplier<UUID> ids) {
    this.outbox = outbox;
    this.history = history;
    this.ids = ids;
  }

  /**
   * Stores the notice and its outbox rows. Without a spend read from LiteLLM before the reset (its
   * own reset job got there first, or it did not answer), the ended period's last spend sample is
   * used; with none, the notice says the spend is not known.
   */
  Queued queue(Handle handle, Tenant tenant, Reset reset) {
    BigDecimal finalSpend = reset.finalSpend() != null ? reset.finalSpend()
        : history.latestSince(tenant.tenantId(), reset.previousPeriodStart()).map(SpendSample::spend).orElse(null);
    Optional<UUID> notice = handle.attach(ResetDao.class).insertNotice(ids.get(), tenant.tenantId(), reset.periodStart(),
        reset.previousPeriodStart(), finalSpend, reset.effectiveBudget(), reset.nextResetAt(), reset.trigger(),
        reset.periodStart());
    if (notice.isEmpty()) {
      return new Queued(null, "duplicate", finalSpend);
    }
    Outbox.Recipients recipients = outbox.recipientsFor(tenant.notificationEmails(), tenant.slackWebhookUrl());
    MessageRenderer.ResetFigures figures = new MessageRenderer.ResetFigures(tenant.tenantId(), tenant.name(), finalSpend,
        reset.effectiveBudget(), reset.nextResetAt(), reset.trigger());
    int rows = outbox.enqueueResetNotice(handle, notice.get(), figures, recipients, reset.periodStart());
    return new Queued(notice.get(), rows > 0 ? "queued" : "no_recipients", finalSpend);
  }

  /** Asks the dispatcher to send now (after the reset committed). */
  void nudge() {
    outbox.nudge();
  }
}
