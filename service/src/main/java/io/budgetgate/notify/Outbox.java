package io.budgetgate.notify;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Queues an alert's notifications: one {@code notification_outbox} row per channel and recipient,
 * written in the caller's transaction, so a notification exists exactly when its alert does.
 */
public class Outbox {
  private final String defaultSlackUrl;
  private volatile Runnable nudge = () -> { };

  public Outbox(String defaultSlackUrl) {
    this.defaultSlackUrl = defaultSlackUrl;
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

  /** Queues the deliveries; returns how many rows were written. */
  public int enqueue(Handle handle, UUID alertId, String tenantId, Recipients recipients, Instant now) {
    OutboxDao dao = handle.attach(OutboxDao.class);
    Set<String> emails = new LinkedHashSet<>(recipients.emails());
    int rows = 0;
    for (String email : emails) {
      rows += dao.insert(alertId, tenantId, "email", email, now);
    }
    if (recipients.slackWebhookUrl() != null) {
      rows += dao.insert(alertId, tenantId, "slack", recipients.slackWebhookUrl(), now);
    }
    return rows;
  }

  /** Asks the dispatcher to look now rather than at its next poll (after the caller commits). */
  public void nudge() {
    nudge.run();
  }

  void onNudge(Runnable action) {
    this.nudge = action;
  }
}
