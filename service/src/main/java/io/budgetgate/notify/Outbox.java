package io.budgetgate.notify;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToIntBiFunction;
import org.jdbi.v3.core.Handle;

/**
 * Queues the notifications of an alert or of a budget reset notice: one {@code notification_outbox}
 * row per channel and recipient, written in the caller's transaction, so a notification exists
 * exactly when what it announces does.
 */
public class Outbox {
  private final String defaultSlackUrl;
  private final Runnable nudge;

  /** {@code nudge} asks the dispatcher to look at the outbox now. */
  public Outbox(String defaultSlackUrl, Runnable nudge) {
    this.defaultSlackUrl = defaultSlackUrl;
    this.nudge = nudge;
  }

  /** Where an alert of this tenant goes. */
  public record Recipients(List<String> emails, String slackWebhookUrl) {
    public boolean none() {
      return emails.isEmpty() && slackWebhookUrl == null;
    }
  }

  /** The tenant's emails, and its own Slack webhook or the configured default. */
  public Recipients recipientsFor(List<String> emails, String tenantSlackUrl) {
    String slack = tenantSlackUrl != null ? tenantSlackUrl : (defaultSlackUrl.isBlank() ? null : defaultSlackUrl);
    return new Recipients(List.copyOf(emails), slack);
  }

  /** Queues the deliveries of an alert with the figures they state; returns how many rows were written. */
  public int enqueue(Handle handle, UUID alertId, MessageRenderer.Figures figures, Recipients recipients, Instant now) {
    OutboxDao dao = handle.attach(OutboxDao.class);
    String message = OutboxMessage.of(figures).toJson();
    return each(recipients, (channel, recipient) -> dao.insert(alertId, figures.tenantId(), channel, recipient, message, now));
  }

  /** Queues the deliveries of a budget reset notice with what it states; returns how many rows were written. */
  public int enqueueResetNotice(Handle handle, UUID noticeId, MessageRenderer.ResetFigures figures, Recipients recipients,
      Instant now) {
    OutboxDao dao = handle.attach(OutboxDao.class);
    String message = OutboxMessage.of(figures).toJson();
    return each(recipients,
        (channel, recipient) -> dao.insertResetNotice(noticeId, figures.tenantId(), channel, recipient, message, now));
  }

  private static int each(Recipients recipients, ToIntBiFunction<String, String> insert) {
    Set<String> emails = new LinkedHashSet<>(recipients.emails());
    int rows = 0;
    for (String email : emails) {
      rows += insert.applyAsInt("email", email);
    }
    if (recipients.slackWebhookUrl() != null) {
      rows += insert.applyAsInt("slack", recipients.slackWebhookUrl());
    }
    return rows;
  }

  /** Asks the dispatcher to look now rather than at its next poll (after the caller commits). */
  public void nudge() {
    nudge.run();
  }
}
