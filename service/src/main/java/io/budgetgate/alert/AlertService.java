package io.budgetgate.alert;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.budgetgate.alert.api.AlertView;
import io.budgetgate.audit.AuditLog;
import io.budgetgate.budget.BudgetStanding;
import io.budgetgate.notify.MessageRenderer;
import io.budgetgate.notify.Outbox;
import io.budgetgate.platform.cache.KeyValueCache;
import io.budgetgate.tenant.Tenant;
import io.budgetgate.tenant.TenantService;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores alerts and decides whether each one notifies: the first alert of a level in a budget
 * period within the dedup window claims {@code alert:{tenant}:{level}:{period_start}} with
 * {@code SET NX EX} and queues its notifications; later ones are stored as suppressed
 * ({@code duplicate}). An alert Redis lets through is also checked against the alerts PostgreSQL
 * holds for the same window, so a Redis that is down, or came back without the claims made while it
 * was down, neither loses an alert nor sends it twice.
 */
public class AlertService {
  private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);

  /** What raising an alert did. */
  public record Raised(UUID alertId, AlertLevel level, boolean notified, String suppressionReason) {}

  private final Jdbi jdbi;
  private final KeyValueCache dedup;
  private final TenantService tenants;
  private final Outbox outbox;
  private final AuditLog audit;
  private final Duration dedupTtl;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Map<AlertLevel, Counter> raisedCounters = new EnumMap<>(AlertLevel.class);
  private final Counter stalePeriod;

  AlertService(Jdbi jdbi, KeyValueCache dedup, TenantService tenants, Outbox outbox, AuditLog audit, Duration dedupTtl,
      Clock clock, Supplier<UUID> ids, MetricRegistry metrics) {
    for (AlertLevel level : AlertLevel.values()) {
      raisedCounters.put(level, metrics.counter("alerts.raised." + level.wireName()));
    }
    this.stalePeriod = metrics.counter("alerts.stale_period_skipped");
    this.jdbi = jdbi;
    this.dedup = dedup;
    this.tenants = tenants;
    this.outbox = outbox;
    this.audit = audit;
    this.dedupTtl = dedupTtl;
    this.clock = clock;
    this.ids = ids;
  }

  /** The budget period an alert of this tenant belongs to: since the last reset, or since creation. */
  public static Instant periodStart(Tenant tenant) {
    return tenant.periodStart();
  }

  /**
   * One transaction in which a feature writes its own rows and raises alerts. The dedup keys its
   * alerts claim stay with it: if it does not commit, {@link #inTransaction} forgets them again, so
   * the alert can notify when it is retried.
   */
  public final class AlertTransaction {
    private final Handle handle;
    private final List<String> claimed = new ArrayList<>();

    private AlertTransaction(Handle handle) {
      this.handle = handle;
    }

    /** The transaction's handle, for the caller's own rows. */
    public Handle handle() {
      return handle;
    }

    /** Stores an alert in this transaction, with its outbox rows and audit entry. */
    public Raised raise(Tenant tenant, AlertLevel level, BudgetStanding status, AlertSource source, String litellmEvent,
        String rawPayload) {
      return AlertService.this.raise(handle, tenant, level, status, source, litellmEvent, rawPayload, claimed);
    }
  }

  /** Runs {@code work} in one transaction; on failure the dedup keys its alerts claimed are released. */
  public <T> T inTransaction(Function<AlertTransaction, T> work) {
    List<AlertTransaction> opened = new ArrayList<>(1);
    try {
      return jdbi.inTransaction(handle -> {
        AlertTransaction tx = new AlertTransaction(handle);
        opened.add(tx);
        return work.apply(tx);
      });
    } catch (RuntimeException e) {
      opened.forEach(tx -> release(tx.claimed));
      throw e;
    }
  }

  private Raised raise(Handle handle, Tenant tenant, AlertLevel level, BudgetStanding status, AlertSource source,
      String litellmEvent, String rawPayload, List<String> claimed) {
    Instant now = clock.instant();
    Instant periodStart = periodStart(tenant);
    Outbox.Recipients recipients = outbox.recipientsFor(tenant.notificationEmails(), tenant.slackWebhookUrl());
    String reason = null;
    if (recipients.none()) {
      reason = "no_recipients";
    } else {
      String key = DedupKey.of(tenant.tenantId(), level, periodStart);
      Optional<Boolean> first = dedup.putIfAbsent(key, now.toString(), dedupTtl);
      if (first.isPresent() && first.get()) {
        claimed.add(key);
      }
      if (first.isPresent() && !first.get()) {
        reason = "duplicate";
      } else if (notifiedInWindow(handle, tenant, level, periodStart, now)) {
        // Redis did not answer, or came back without a claim made while it was down
        reason = "duplicate";
      } else if (first.isEmpty()) {
        LOG.warn("alert dedup store unavailable; tenant {} {} deduplicated in PostgreSQL instead", tenant.tenantId(),
            level.wireName());
      }
    }
    UUID id = ids.get();
    BigDecimal spend = status.spend() == null ? BigDecimal.ZERO : status.spend();
    BigDecimal percent = status.percentUsed() == null ? BigDecimal.ZERO : status.percentUsed();
    handle.attach(AlertDao.class).insert(id, tenant.tenantId(), level.wireName(), percent, spend, status.effectiveBudget(),
        source.wireName(), litellmEvent, periodStart, rawPayload, reason != null, reason, status.projectedBlockAt(), now);
    MessageRenderer.Figures figures = new MessageRenderer.Figures(tenant.tenantId(), tenant.name(), level.wireName(),
        source.wireName(), spend, status.effectiveBudget(), percent, status.alertThreshold(), status.graceThreshold(),
        status.budgetResetAt(), status.projectedBlockAt());
    boolean notified = reason == null && outbox.enqueue(handle, id, figures, recipients, now) > 0;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("alert_id", id.toString());
    details.put("level", level.wireName());
    details.put("source", source.wireName());
    details.put("percent_used", percent);
    details.put("spend", spend);
    details.put("notified", notified);
    details.put("suppression_reason", reason);
    audit.record(handle, source == AlertSource.WEBHOOK ? "litellm-webhook" : "budget-" + source.wireName(), "alert.raised",
        tenant.tenantId(), details);
    raisedCounters.get(level).inc(); // counted when written; a rolled-back transaction over-counts by one
    return new Raised(id, level, notified, reason);
  }

  /**
   * The dedup window in PostgreSQL, for an alert Redis did not call a duplicate: under the tenant's
   * alert lock (so two instances cannot both find no row), whether this level already notified in
   * this period within the window. It is asked only of alerts about to notify, a few per period.
   */
  private boolean notifiedInWindow(Handle handle, Tenant tenant, AlertLevel level, Instant periodStart, Instant now) {
    handle.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "alert:" + tenant.tenantId());
    return handle.attach(AlertDao.class).notifiedSince(tenant.tenantId(), level.wireName(), periodStart, now.minus(dedupTtl));
  }

  /** Forgets dedup claims of an alert whose transaction did not commit. */
  private void release(List<String> claimed) {
    if (!claimed.isEmpty()) {
      dedup.delete(claimed.toArray(String[]::new));
    }
  }

  /**
   * Raises an alert (own transaction) when the status is at a level above every alert of this
   * tenant in the current period; used by budget checks and the reconciler.
   */
  public Optional<Raised> raiseIfHigher(BudgetStanding status, AlertSource source) {
    Optional<AlertLevel> level = AlertLevel.of(status.state());
    if (level.isEmpty()) {
      return Optional.empty();
    }
    Tenant tenant = tenants.require(status.tenantId());
    Instant periodStart = periodStart(tenant);
    if (status.checkedAt() != null && status.checkedAt().isBefore(periodStart)) {
      // read before the tenant's current period began (a reset came in between): the old period's
      // spend must not raise, or dedup, an alert of the new one; the next read will decide
      stalePeriod.inc();
      return Optional.empty();
    }
    Optional<Raised> raised = inTransaction(tx -> {
      tx.handle().execute("SELECT pg_advisory_xact_lock(hashtext(?))", "alert:" + tenant.tenantId());
      Optional<AlertLevel> highest = tx.handle().attach(AlertDao.class).highestLevel(tenant.tenantId(), periodStart);
      if (highest.isPresent() && highest.get().compareTo(level.get()) >= 0) {
        return Optional.empty();
      }
      return Optional.of(tx.raise(tenant, level.get(), status, source, null, null));
    });
    if (raised.isPresent() && raised.get().notified()) {
      outbox.nudge();
    }
    return raised;
  }

  /** The tenant's alert history, newest first; 404 for an unknown tenant. */
  public List<AlertView> recent(String tenantId, int limit) {
    tenants.require(tenantId);
    return jdbi.withExtension(AlertDao.class, dao -> dao.recent(tenantId, limit));
  }
}
