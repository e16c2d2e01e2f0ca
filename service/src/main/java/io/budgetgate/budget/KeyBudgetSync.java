package io.budgetgate.budget;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.budgetgate.litellm.LiteLlmClient;
import io.budgetgate.litellm.LiteLlmException;
import io.budgetgate.litellm.LiteLlmKeyMissingException;
import io.budgetgate.litellm.MissingKeys;
import io.budgetgate.litellm.api.KeyInfo;
import io.budgetgate.litellm.api.KeyUpdate;
import io.budgetgate.rules.BudgetLimits;
import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.OverrideWindow;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tenant's LiteLLM key at {@code max_budget = block_at} of today's effective budget, so
 * LiteLLM is the last line of defence, without ever calling LiteLLM while a transaction or row
 * lock is open. A change records its intent in its own transaction ({@link #want}); after the
 * commit one quick attempt writes the key ({@link #afterChange}); whatever that attempt could not
 * finish, the background sync ({@link #inBackground}) retries with backoff and confirms by
 * reading the key back. The generation bumped by every change keeps a late write from marking a
 * newer change done: it leaves the key "unknown" instead, and the sync writes the current value.
 */
final class KeyBudgetSync {
  private static final Logger LOG = LoggerFactory.getLogger(KeyBudgetSync.class);
  /** LiteLLM keeps max_budget as a float: amounts closer than this are the same amount. */
  private static final BigDecimal SAME = new BigDecimal("0.00005");

  /** Who attempts: right after a change (one quick attempt) or the background sync (retried, read back). */
  enum Attempt {
    AFTER_CHANGE,
    BACKGROUND
  }

  private final Jdbi jdbi;
  private final LiteLlmClient litellm;
  private final MissingKeys missingKeys;
  private final Clock clock;
  private final Duration changeWait;
  private final Counter synced;
  private final Counter failed;
  private final Counter overtaken;
  private final Counter drifted;

  KeyBudgetSync(Jdbi jdbi, LiteLlmClient litellm, MissingKeys missingKeys, Clock clock, Duration changeWait,
      MetricRegistry metrics) {
    this.jdbi = jdbi;
    this.litellm = litellm;
    this.missingKeys = missingKeys;
    this.clock = clock;
    this.changeWait = changeWait;
    this.synced = metrics.counter("litellm.sync.synced");
    this.failed = metrics.counter("litellm.sync.failed");
    this.overtaken = metrics.counter("litellm.sync.overtaken");
    this.drifted = metrics.counter("litellm.sync.drift_found");
  }

  /** block_at of the row with the overrides live at {@code now}. */
  static BigDecimal blockAt(BudgetRow row, List<BudgetOverride> overrides, Instant now) {
    List<OverrideWindow> windows = overrides.stream().map(BudgetOverride::window).toList();
    return new BudgetLimits(BudgetPolicy.effectiveBudget(row.maxBudget(), windows, now), row.alertThreshold(),
        row.graceThreshold()).blockAt();
  }

  static boolean sameAmount(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.subtract(b).abs().compareTo(SAME) < 0;
  }

  /**
   * In the change's transaction, after its rows are written: marks the key pending (with the
   * budget duration too when {@code duration}) and returns the block_at it must take.
   */
  BigDecimal want(Handle handle, String tenantId, boolean duration, Instant now) {
    BudgetDao dao = handle.attach(BudgetDao.class);
    dao.wantSync(tenantId, duration, now);
    BudgetRow row = dao.find(tenantId).orElseThrow();
    return blockAt(row, dao.liveOverrides(tenantId, now), now);
  }

  /**
   * Before a change of a key LiteLLM says it does not have: a 409 that changes nothing. One quick
   * read behind the breaker; when LiteLLM cannot answer, the change goes ahead and its sync stays
   * pending. Returns whether LiteLLM answered.
   */
  boolean requireKey(BudgetRow row, String consequence) {
    try {
      litellm.keyInfoForDecision(row.virtualKey());
      missingKeys.present(row.tenantId());
      return true;
    } catch (LiteLlmKeyMissingException e) {
      missingKeys.missing(row.tenantId(), clock.instant());
      throw BudgetService.keyMissing(row.tenantId(), consequence, e);
    } catch (LiteLlmException e) {
      return false;
    }
  }

  /** One attempt, bounded by {@code budget.syncWait}, right after a change committed; true when the key took it. */
  boolean afterChange(String tenantId) {
    return attempt(tenantId, Attempt.AFTER_CHANGE);
  }

  /** One attempt of the background sync: the client's retries, then a read-back; true when the key agrees. */
  boolean inBackground(String tenantId) {
    return attempt(tenantId, Attempt.BACKGROUND);
  }

  /**
   * LiteLLM lists the tenant's key with {@code listed} as max_budget. When that is not what
   * BudgetGate last confirmed ({@code confirmed}, for the change of {@code generation}), the key
   * is marked pending so the sync writes it again. Returns whether it drifted.
   */
  boolean checkListed(String tenantId, long generation, BigDecimal confirmed, BigDecimal listed) {
    if (sameAmount(confirmed, listed)) {
      return false;
    }
    String why = "LiteLLM listed the key with max_budget " + plain(listed) + " where BudgetGate last wrote "
        + plain(confirmed);
    if (jdbi.withExtension(BudgetDao.class, dao -> dao.syncDrifted(tenantId, generation, why, clock.instant())) == 1) {
      drifted.inc();
      LOG.warn("tenant {}: {}; the key sync writes it again", tenantId, why);
      return true;
    }
    return false; // a change came in between: its own sync writes the key
  }

  private record Target(BudgetRow row, BigDecimal blockAt) {}

  private boolean attempt(String tenantId, Attempt who) {
    Instant now = clock.instant();
    Optional<Target> target = jdbi.withHandle(handle -> {
      BudgetDao dao = handle.attach(BudgetDao.class);
      return dao.find(tenantId).map(row -> new Target(row, blockAt(row, dao.liveOverrides(tenantId, now), now)));
    });
    if (target.isEmpty() || target.get().row().syncPendingSince() == null) {
      return true; // the tenant is gone, or another attempt finished first
    }
    BudgetRow row = target.get().row();
    BigDecimal blockAt = target.get().blockAt();
    KeyUpdate update = new KeyUpdate(row.virtualKey(), blockAt, row.syncDuration() ? row.budgetDuration() : null, null);
    try {
      if (who == Attempt.AFTER_CHANGE) {
        litellm.updateKeyNow(update, changeWait);
      } else {
        litellm.updateKey(update);
        KeyInfo back = litellm.keyInfo(row.virtualKey());
        if (!sameAmount(back.maxBudget(), blockAt)) {
          return failed(row, who, "LiteLLM took the update but reads back max_budget " + plain(back.maxBudget())
              + " instead of " + plain(blockAt), now);
        }
      }
    } catch (LiteLlmKeyMissingException e) {
      missingKeys.missing(tenantId, now);
      return failed(row, who, "LiteLLM has no such key (" + e.status() + " " + e.type()
          + "); re-provision it: POST /tasks/reprovision-litellm-key?tenant_id=" + tenantId, now);
    } catch (LiteLlmException e) {
      return failed(row, who, e.getMessage(), now);
    }
    missingKeys.present(tenantId);
    boolean done = jdbi.withExtension(BudgetDao.class, dao -> {
      if (dao.markSynced(tenantId, row.syncGeneration(), blockAt) == 1) {
        return true;
      }
      dao.syncOvertaken(tenantId, clock.instant());
      return false;
    });
    if (done) {
      synced.inc();
      if (who == Attempt.BACKGROUND) {
        LOG.info("tenant {}: the LiteLLM key holds max_budget {} again ({} pending since {})", tenantId, plain(blockAt),
            row.syncDuration() ? "budget and duration" : "budget", row.syncPendingSince());
      }
    } else {
      overtaken.inc();
    }
    return done;
  }

  private boolean failed(BudgetRow row, Attempt who, String why, Instant now) {
    failed.inc();
    Optional<Integer> attempts = jdbi.withExtension(BudgetDao.class,
        dao -> dao.syncFailed(row.tenantId(), row.syncGeneration(), why, who == Attempt.BACKGROUND, now));
    if (who == Attempt.BACKGROUND) {
      LOG.warn("tenant {}: the LiteLLM key is still behind (pending since {}, {} attempts): {}; retried with backoff",
          row.tenantId(), row.syncPendingSince(), attempts.orElse(0), why);
    }
    return false;
  }

  private static String plain(BigDecimal amount) {
    return amount == null ? "none" : amount.stripTrailingZeros().toPlainString();
  }
}
