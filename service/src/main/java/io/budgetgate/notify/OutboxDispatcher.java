package io.budgetgate.notify;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.platform.Redaction;
import io.budgetgate.platform.Schedulers;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued notifications: polls {@code notification_outbox} every {@code dispatchInterval}
 * (and at once when nudged), claims due rows with {@code FOR UPDATE SKIP LOCKED} under a lease so
 * several instances share the work, sends, and marks each row sent, or due again after the next
 * backoff, or failed after {@code maxAttempts}. Rows outlive restarts; nothing is thrown at callers.
 */
public final class OutboxDispatcher implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
  private static final int BATCH = 50;
  static final String ACTOR = "notification-dispatcher";

  private final Jdbi jdbi;
  private final MessageRenderer renderer;
  private final EmailSender email;
  private final SlackSender slack;
  private final AuditLog audit;
  private final NotifyConfig config;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private ScheduledExecutorService scheduler;

  OutboxDispatcher(Jdbi jdbi, MessageRenderer renderer, EmailSender email, SlackSender slack, AuditLog audit,
      NotifyConfig config, Clock clock) {
    this.jdbi = jdbi;
    this.renderer = renderer;
    this.email = email;
    this.slack = slack;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public void start() {
    scheduler = Schedulers.singleThread("outbox-dispatcher");
    long every = config.dispatchInterval().toMilliseconds();
    scheduler.scheduleWithFixedDelay(this::runSafely, 0, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdown();
      if (!scheduler.awaitTermination(15, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    }
  }

  /** Looks for due rows now instead of at the next poll. */
  void nudge() {
    ScheduledExecutorService s = scheduler;
    if (s != null && !s.isShutdown()) {
      try {
        s.execute(this::runSafely);
      } catch (RejectedExecutionException e) {
        // stopping
      }
    }
  }

  private void runSafely() {
    try {
      drain();
    } catch (RuntimeException e) {
      LOG.warn("outbox dispatch failed this round; rows stay queued: {}", e.toString());
    }
  }

  /** Sends everything due; returns how many rows were attempted. */
  public int drain() {
    if (!running.compareAndSet(false, true)) {
      return 0;
    }
    try {
      int attempted = 0;
      List<OutboxDao.Delivery> batch;
      do {
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(lease());
        batch = jdbi.withExtension(OutboxDao.class, dao -> dao.claim(now, leaseUntil, BATCH));
        for (OutboxDao.Delivery delivery : batch) {
          deliver(delivery);
        }
        attempted += batch.size();
      } while (batch.size() == BATCH);
      return attempted;
    } finally {
      running.set(false);
    }
  }

  private Duration lease() {
    return Duration.ofMillis(config.sendTimeout().toMilliseconds() * 3 + 5_000);
  }

  private void deliver(OutboxDao.Delivery d) {
    RenderedMessage message = render(d);
    String where = d.channel().equals("slack") ? "Slack webhook" : d.recipient();
    try {
      boolean real = switch (d.channel()) {
        case "email" -> email.send(d.recipient(), message);
        case "slack" -> sendSlack(d.recipient(), message);
        default -> throw new IllegalStateException("unknown channel " + d.channel());
      };
      Instant now = clock.instant();
      jdbi.useTransaction(handle -> {
        handle.attach(OutboxDao.class).markSent(d.id(), now);
        audit.record(handle, ACTOR, "notification.sent", d.tenantId(), details(d, real ? null : "preview (channel not configured)"));
      });
    } catch (Exception e) {
      failed(d, where, Redaction.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private RenderedMessage render(OutboxDao.Delivery d) {
    OutboxDao.ResetNotice n = d.resetNotice();
    if (n != null) {
      return renderer.renderResetNotice(new MessageRenderer.ResetFigures(d.tenantId(), d.tenantName(), n.finalSpend(),
          n.effectiveBudget(), n.nextResetAt(), n.trigger()));
    }
    return renderer.render(new MessageRenderer.Figures(d.tenantId(), d.tenantName(), d.level(), d.source(),
        d.spend(), d.effectiveBudget(), d.percentUsed(), d.alertThreshold(), d.graceThreshold(), d.budgetResetAt(),
        d.projectedBlockAt()));
  }

  private boolean sendSlack(String url, RenderedMessage message) throws IOException {
    if (url == null || url.isBlank()) {
      LOG.info("Slack preview (no webhook configured): {}", message.slackJson());
      return false;
    }
    slack.send(url, message);
    return true;
  }

  private void failed(OutboxDao.Delivery d, String where, String error) {
    boolean giveUp = d.attempts() >= config.maxAttempts();
    Instant next = clock.instant().plus(config.backoffAfter(d.attempts()));
    jdbi.useTransaction(handle -> {
      OutboxDao dao = handle.attach(OutboxDao.class);
      if (giveUp) {
        dao.markFailed(d.id(), error);
      } else {
        dao.retryLater(d.id(), next, error);
      }
      Map<String, Object> details = details(d, error);
      details.put("will_retry", !giveUp);
      details.put("next_attempt_at", giveUp ? null : next.toString());
      audit.record(handle, ACTOR, "notification.failed", d.tenantId(), details);
    });
    if (giveUp) {
      LOG.error("notification {} ({} to {}) failed for good after {} attempts: {}", d.id(), d.channel(), where, d.attempts(), error);
    } else {
      LOG.warn("notification {} ({} to {}) failed (attempt {}), retrying at {}: {}", d.id(), d.channel(), where, d.attempts(), next, error);
    }
  }

  private static Map<String, Object> details(OutboxDao.Delivery d, String note) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("outbox_id", d.id());
    if (d.resetNotice() != null) {
      details.put("notice", "budget_reset");
      details.put("reset_notice_id", d.resetNotice().id().toString());
    } else {
      details.put("alert_id", d.alertId().toString());
    }
    details.put("channel", d.channel());
    details.put("recipient", d.channel().equals("slack") ? "slack webhook" : d.recipient());
    if (d.level() != null) {
      details.put("level", d.level());
    }
    details.put("attempt", d.attempts());
    if (note != null) {
      details.put("note", note);
    }
    return details;
  }
}
