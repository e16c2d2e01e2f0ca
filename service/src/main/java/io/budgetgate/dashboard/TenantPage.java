package io.budgetgate.dashboard;

import io.budgetgate.alert.AlertService;
import io.budgetgate.alert.api.AlertView;
import io.budgetgate.audit.AuditEntry;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetBoard;
import io.budgetgate.budget.BudgetService;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.budget.OverrideService;
import io.budgetgate.budget.api.OverrideView;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
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
  private final BudgetService budgets;
  private final OverrideService overrides;
  private final BudgetBoard board;
  private final AlertService alerts;
  private final AuditLog audit;
  private final Clock clock;

  TenantPage(TenantService tenants, BudgetService budgets, OverrideService overrides, BudgetBoard board,
      AlertService alerts, AuditLog audit, Clock clock) {
    this.tenants = tenants;
    this.budgets = budgets;
    this.overrides = overrides;
    this.board = board;
    this.alerts = alerts;
    this.audit = audit;
    this.clock = clock;
  }

  /** The page's content; 404 (as an ServiceException) for an unknown tenant. */
  TenantView.Content content(String tenantId) {
    Tenant tenant = tenants.require(tenantId);
    BudgetStanding status = budgets.decide(tenantId).status();
    Instant now = clock.instant();
    Instant periodStart = tenant.periodStart();
    List<SpendChart.Point> series = board.spendSince(tenantId, periodStart).stream()
        .map(s -> new SpendChart.Point(s.sampledAt(), s.spend())).toList();
    return new TenantView.Content(tenant.tenantId(), tenant.name(), status.state().wireName(), UsageBar.of(status),
        facts(status),
        SpendChart.of(series, periodStart, now, status),
        overrides.list(tenantId).stream().map(TenantPage::overrideRow).toList(),
        alerts.recent(tenantId, RECENT).stream().map(TenantPage::alertRow).toList(),
        audit.recent(tenantId, RECENT).stream().map(TenantPage::auditRow).toList());
  }

  private static List<TenantView.Fact> facts(BudgetStanding s) {
    List<TenantView.Fact> facts = new ArrayList<>();
    facts.add(new TenantView.Fact("state", s.state().wireName() + (s.allowed() ? " (calls allowed)" : " (calls refused)")));
    facts.add(new TenantView.Fact("spend", Display.money(s.spend())));
    facts.add(new TenantView.Fact("max budget", Display.money(s.maxBudget())));
    facts.add(new TenantView.Fact("overrides", Display.money(s.overrideTotal())));
    facts.add(new TenantView.Fact("effective budget", Display.money(s.effectiveBudget())));
    facts.add(new TenantView.Fact("percent used", s.percentUsed() == null ? "—" : s.percentUsed().toPlainString() + " %"));
    facts.add(new TenantView.Fact("alert at", Display.money(s.alertAt()) + " (" + s.alertThreshold() + " %)"));
    facts.add(new TenantView.Fact("blocked at", Display.money(s.blockAt()) + " (" + s.graceThreshold() + " %)"));
    facts.add(new TenantView.Fact("remaining", Display.money(s.remaining())));
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
