package io.budgetgate.dashboard;

import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.api.AlertView;
import io.budgetgate.audit.AuditEntry;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.BudgetWiring;
import io.budgetgate.budget.api.OverrideView;
import io.budgetgate.budget.api.ReservationView;
import io.budgetgate.rules.ReservedAmount;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Gathers one tenant's page from the features that own each part; reads only. */
final class TenantPage {
  private static final int RECENT = 20;

  private final TenantService tenants;
  private final BudgetWiring.Budgets budgets;
  private final AlertService alerts;
  private final AuditLog audit;
  private final Clock clock;

  TenantPage(TenantService tenants, BudgetWiring.Budgets budgets, AlertService alerts, AuditLog audit, Clock clock) {
    this.tenants = tenants;
    this.budgets = budgets;
    this.alerts = alerts;
    this.audit = audit;
    this.clock = clock;
  }

  /** The page's content; 404 (as an ServiceException) for an unknown tenant. */
  TenantView.Content content(String tenantId) {
    Tenant tenant = tenants.require(tenantId);
    BudgetStanding status = budgets.service().decide(tenantId).status();
    List<ReservationView> reservations = budgets.reservations().list(tenantId);
    BigDecimal reserved = budgets.reservations().reserved(status);
    Instant now = clock.instant();
    Instant periodStart = tenant.periodStart();
    List<SpendChart.Point> series = budgets.board().spendSince(tenantId, periodStart).stream()
        .map(s -> new SpendChart.Point(s.sampledAt(), s.spend())).toList();
    return new TenantView.Content(tenant.tenantId(), tenant.name(), status.state().wireName(), UsageBar.of(status),
        facts(status, reserved, reservations),
        SpendChart.of(series, periodStart, now, status),
        budgets.overrides().list(tenantId).stream().map(TenantPage::overrideRow).toList(),
        reservations.stream().limit(RECENT).map(TenantPage::reservationRow).toList(),
        alerts.recent(tenantId, RECENT).stream().map(TenantPage::alertRow).toList(),
        audit.recent(tenantId, RECENT).stream().map(TenantPage::auditRow).toList());
  }

  private static List<TenantView.Fact> facts(BudgetStanding s, BigDecimal reserved, List<ReservationView> reservations) {
    List<TenantView.Fact> facts = new ArrayList<>();
    boolean allowed = s.allowed() && ReservedAmount.judge(s.blockAt(), s.spend(), reserved, null).isEmpty();
    BigDecimal headroom = ReservedAmount.headroom(s.blockAt(), s.spend(), reserved);
    facts.add(new TenantView.Fact("state", s.state().wireName() + (allowed ? " (calls allowed)"
        : s.allowed() ? " (calls refused: reservations hold the rest)" : " (calls refused)")));
    facts.add(new TenantView.Fact("spend", Display.money(s.spend())));
    facts.add(new TenantView.Fact("max budget", Display.money(s.maxBudget())));
    facts.add(new TenantView.Fact("overrides", Display.money(s.overrideTotal())));
    facts.add(new TenantView.Fact("effective budget", Display.money(s.effectiveBudget())));
    facts.add(new TenantView.Fact("percent used", s.percentUsed() == null ? "—" : s.percentUsed().toPlainString() + " %"));
    facts.add(new TenantView.Fact("alert at", Display.money(s.alertAt()) + " (" + s.alertThreshold() + " %)"));
    facts.add(new TenantView.Fact("blocked at", Display.money(s.blockAt()) + " (" + s.graceThreshold() + " %)"));
    facts.add(new TenantView.Fact("remaining", Display.money(s.remaining())));
    long open = reservations.stream().filter(r -> "held".equals(r.status()) || "settled".equals(r.status())).count();
    facts.add(new TenantView.Fact("reserved", Display.amount(reserved) + " (" + open
        + " open reservation" + (open == 1 ? "" : "s") + ": holds, and settled costs LiteLLM has not recorded yet)"));
    facts.add(new TenantView.Fact("headroom", headroom == null ? "— (spend unknown)"
        : Display.amount(headroom) + " before blocked at " + Display.money(s.blockAt())));
    facts.add(new TenantView.Fact("budget period", s.budgetDuration() == null ? "none (no reset)" : s.budgetDuration()));
    facts.add(new TenantView.Fact("resets at", Display.time(s.budgetResetAt())));
    facts.add(new TenantView.Fact("projected block", s.projectedBlockAt() == null ? "not at the current rate"
        : s.allowed() ? Display.time(s.projectedBlockAt()) : "blocked now"));
    facts.add(new TenantView.Fact("projected period spend", s.projectedPeriodSpend() == null ? "—"
        : Display.money(s.projectedPeriodSpend()) + " by " + Display.time(s.budgetResetAt())));
    facts.add(new TenantView.Fact("spend source", s.source().wireName() + (s.degraded() ? " (degraded)" : "")
        + ", checked " + Display.time(s.checkedAt())));
    facts.add(new TenantView.Fact("LiteLLM key", s.litellmSync() == BudgetStanding.KeySync.PENDING
        ? "sync pending: the key's max_budget is still to follow the last change (ops-runbook/litellm-down.md, Key sync)"
        : "max_budget " + Display.money(s.blockAt()) + " (in sync)"));
    return facts;
  }

  private static TenantView.OverrideRow overrideRow(OverrideView o) {
    return new TenantView.OverrideRow(Display.money(o.amount()), o.reason(),
        Display.time(o.startsAt()) + " – " + Display.time(o.expiresAt()), o.status(),
        o.createdBy() + (o.revokedBy() == null ? "" : ", revoked by " + o.revokedBy()));
  }

  private static TenantView.ReservationRow reservationRow(ReservationView r) {
    boolean settled = r.actualCost() != null;
    String until = settled ? "counts until " + Display.time(r.countsUntil()) + " at most"
        : r.endedAt() != null ? "ended " + Display.time(r.endedAt()) : "expires " + Display.time(r.expiresAt());
    return new TenantView.ReservationRow(Display.time(r.createdAt()), r.status(), Display.amount(r.amount()),
        settled ? Display.amount(r.actualCost()) : "—", until, r.requestId() == null ? "—" : r.requestId());
  }

  private static TenantView.AlertRow alertRow(AlertView a) {
    String notification = a.notified() ? "notified"
        : "suppressed" + (a.suppressionReason() == null ? "" : ": " + a.suppressionReason());
    return new TenantView.AlertRow(Display.time(a.createdAt()), a.level(), a.percentUsed().toPlainString() + " %",
        Display.money(a.spend()), a.source(), notification, Display.time(a.projectedBlockAt()));
  }

  private static TenantView.AuditRow auditRow(AuditEntry e) {
    Map<String, Object> details = e.details() == null ? Map.of() : e.details();
    String text = details.entrySet().stream().map(d -> d.getKey() + "=" + d.getValue()).collect(Collectors.joining(", "));
    return new TenantView.AuditRow(Display.time(e.occurredAt()), e.actor(), e.action(), text);
  }
}
