package io.budgetgate.dashboard;

import io.dropwizard.views.common.View;
import java.util.List;

/** One tenant's page: status, spend chart, overrides, alerts, audit, and the admin forms. */
public final class TenantView extends View {
  /** A label and a value in the status table. */
  public record Fact(String label, String value) {}

  /** An override as listed. */
  public record OverrideRow(String amount, String reason, String window, String status, String createdBy) {}

  /** A reservation as listed: what it holds or cost, and until when it counts. */
  public record ReservationRow(String createdAt, String status, String amount, String actualCost, String until,
      String requestId) {}

  /** An alert as listed: notified, or why not, and the block date its messages named. */
  public record AlertRow(String at, String level, String percent, String spend, String source, String notification,
      String projectedBlock) {}

  /** An audit entry as listed. */
  public record AuditRow(String at, String actor, String action, String details) {}

  /** The page's content. */
  public record Content(String tenantId, String name, String state, UsageBar bar, List<Fact> facts, SpendChart chart,
      List<OverrideRow> overrides, List<ReservationRow> reservations, List<AlertRow> alerts, List<AuditRow> audit) {
    public Content {
      facts = List.copyOf(facts);
      overrides = List.copyOf(overrides);
      reservations = List.copyOf(reservations);
      alerts = List.copyOf(alerts);
      audit = List.copyOf(audit);
    }
  }

  private final Chrome chrome;
  private final Content content;
  private final String notice;
  private final String error;

  TenantView(Chrome chrome, Content content, String notice, String error) {
    super("tenant.mustache");
    this.chrome = chrome;
    this.content = content;
    this.notice = notice;
    this.error = error;
  }

  public Chrome getChrome() {
    return chrome;
  }

  public Content getTenant() {
    return content;
  }

  public String getNotice() {
    return notice;
  }

  public String getError() {
    return error;
  }
}
