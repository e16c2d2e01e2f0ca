package io.budgetgate.notify;

import com.codahale.metrics.Gauge;
import io.budgetgate.audit.AuditLog;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** Builds the outbox, its dispatcher, and the email and Slack senders. */
public final class NotifyWiring {
  private NotifyWiring() {}

  private static java.time.Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
    java.sql.Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  /** The outbox, and the dispatcher that drains it. */
  public record Notifications(Outbox outbox, OutboxDispatcher dispatcher) {}

  /** The outbox's row mappers (also for tests of its SQL on their own Jdbi). */
  static void registerMappers(Jdbi jdbi) {
    jdbi.registerRowMapper(OutboxDao.Delivery.class, (rs, ctx) -> new OutboxDao.Delivery(
        rs.getLong("id"), rs.getObject("alert_id", java.util.UUID.class), rs.getString("tenant_id"), rs.getString("channel"),
        rs.getString("recipient"), rs.getInt("attempts"), rs.getString("level"), rs.getBigDecimal("percent_used"),
        rs.getBigDecimal("spend"), rs.getBigDecimal("effective_budget"), rs.getString("source"), rs.getString("tenant_name"),
        rs.getInt("alert_threshold"), rs.getInt("grace_threshold"),
        instant(rs, "budget_reset_at"), instant(rs, "projected_block_at"),
        rs.getObject("reset_notice_id") == null ? null : new OutboxDao.ResetNotice(
            rs.getObject("reset_notice_id", java.util.UUID.class), rs.getBigDecimal("notice_final_spend"),
            rs.getBigDecimal("notice_effective_budget"), instant(rs, "notice_next_reset_at"), rs.getString("notice_trigger"))));
  }

  public static Notifications wire(Jdbi jdbi, AuditLog audit, NotifyConfig config, Clock clock, Environment environment) {
    registerMappers(jdbi);
    Duration timeout = Duration.ofMillis(config.sendTimeout().toMilliseconds());
    OutboxDispatcher dispatcher = new OutboxDispatcher(jdbi, new MessageRenderer(), new EmailSender(config.smtp(), timeout),
        new SlackSender(timeout), audit, config, clock);
    Outbox outbox = new Outbox(config.slackDefaultWebhookUrl());
    outbox.onNudge(dispatcher::nudge);
    environment.lifecycle().manage(dispatcher);
    environment.metrics().register("notifications.outbox.pending",
        (Gauge<Long>) () -> jdbi.withExtension(OutboxDao.class, OutboxDao::pending));
    environment.metrics().register("notifications.outbox.oldest_pending_seconds",
        (Gauge<Double>) () -> jdbi.withExtension(OutboxDao.class, dao -> dao.oldestPendingSeconds(clock.instant())));
    return new Notifications(outbox, dispatcher);
  }
}
