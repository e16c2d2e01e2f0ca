package io.budgetgate.notify;

import com.codahale.metrics.Gauge;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.platform.AdminTask;
import io.dropwizard.core.setup.Environment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Builds the outbox, its dispatcher, and the email and Slack senders. */
public final class NotifyWiring {
  private NotifyWiring() {}

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  /** The outbox's row mappers (also for tests of its SQL on their own Jdbi). */
  static void registerMappers(Jdbi jdbi) {
    jdbi.registerRowMapper(OutboxDao.Delivery.class, (rs, ctx) -> delivery(rs));
  }

  /** A claimed row: its figures from its own message, or (a row queued before messages) from the joined rows. */
  private static OutboxDao.Delivery delivery(ResultSet rs) throws SQLException {
    UUID noticeId = rs.getObject("reset_notice_id", UUID.class);
    String text = rs.getString("message");
    if (text != null) {
      OutboxMessage message = OutboxMessage.parse(text);
      if (message.reset() != null) {
        MessageRenderer.ResetFigures r = message.reset();
        return new OutboxDao.Delivery(rs.getLong("id"), null, rs.getString("tenant_id"), rs.getString("channel"),
            rs.getString("recipient"), rs.getInt("attempts"), null, null, null, null, null, r.tenantName(), 0, 0, null, null,
            new OutboxDao.ResetNotice(noticeId, r.finalSpend(), r.effectiveBudget(), r.nextResetAt(), r.trigger()));
      }
      MessageRenderer.Figures a = message.alert();
      return new OutboxDao.Delivery(rs.getLong("id"), rs.getObject("alert_id", UUID.class), rs.getString("tenant_id"),
          rs.getString("channel"), rs.getString("recipient"), rs.getInt("attempts"), a.level(), a.percentUsed(), a.spend(),
          a.effectiveBudget(), a.source(), a.tenantName(), a.alertThreshold(), a.graceThreshold(), a.budgetResetAt(),
          a.projectedBlockAt(), null);
    }
    return new OutboxDao.Delivery(
        rs.getLong("id"), rs.getObject("alert_id", UUID.class), rs.getString("tenant_id"), rs.getString("channel"),
        rs.getString("recipient"), rs.getInt("attempts"), rs.getString("level"), rs.getBigDecimal("percent_used"),
        rs.getBigDecimal("spend"), rs.getBigDecimal("effective_budget"), rs.getString("source"), rs.getString("tenant_name"),
        rs.getInt("alert_threshold"), rs.getInt("grace_threshold"),
        instant(rs, "budget_reset_at"), instant(rs, "projected_block_at"),
        noticeId == null ? null : new OutboxDao.ResetNotice(noticeId, rs.getBigDecimal("notice_final_spend"),
            rs.getBigDecimal("notice_effective_budget"), instant(rs, "notice_next_reset_at"), rs.getString("notice_trigger")));
  }

  public static Outbox wire(Jdbi jdbi, AuditLog audit, NotifyConfig config, Clock clock, Environment environment) {
    registerMappers(jdbi);
    Duration timeout = config.sendTimeout().toJavaDuration();
    OutboxDispatcher dispatcher = new OutboxDispatcher(jdbi, new MessageRenderer(), new EmailSender(config.smtp(), timeout),
        new SlackSender(timeout), audit, config, clock);
    Outbox outbox = new Outbox(config.slackDefaultWebhookUrl(), dispatcher::nudge);
    environment.lifecycle().manage(dispatcher);
    // POST /tasks/drain-outbox: send what is due now (0 also when this instance is already draining)
    environment.admin().addTask(AdminTask.round("drain-outbox", "rows_attempted", dispatcher::drain,
        environment.getObjectMapper()));
    environment.metrics().register("notifications.outbox.pending",
        (Gauge<Long>) () -> jdbi.withExtension(OutboxDao.class, OutboxDao::pending));
    environment.metrics().register("notifications.outbox.oldest_pending_seconds",
        (Gauge<Double>) () -> jdbi.withExtension(OutboxDao.class, dao -> dao.oldestPendingSeconds(clock.instant())));
    return outbox;
  }
}
