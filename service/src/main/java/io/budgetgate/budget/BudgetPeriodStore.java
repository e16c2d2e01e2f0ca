package io.budgetgate.budget;

import io.budgetgate.litellm.VirtualKey;
import io.budgetgate.litellm.VirtualKeys;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The tenants' budget periods as stored (budget owns these columns of {@code tenant_configs}), for
 * the reset feature: which periods are due, and starting a new one inside the caller's transaction.
 */
public final class BudgetPeriodStore {

  /** One tenant's period, and the key whose spend a reset zeroes. */
  public record Period(String tenantId, String budgetDuration, Instant budgetResetAt, Instant lastReset, VirtualKey key) {
    /** Whether {@code other} is the same period (nobody started a new one in between). */
    public boolean samePeriod(Period other) {
      return Objects.equals(budgetResetAt, other.budgetResetAt)
          && Objects.equals(lastReset, other.lastReset)
          && Objects.equals(budgetDuration, other.budgetDuration);
    }
  }

  private final Jdbi jdbi;

  BudgetPeriodStore(Jdbi jdbi, VirtualKeys keys) {
    this.jdbi = jdbi;
    jdbi.registerRowMapper(Period.class, (rs, ctx) -> new Period(rs.getString("tenant_id"), rs.getString("budget_duration"),
        instant(rs.getTimestamp("budget_reset_at")), instant(rs.getTimestamp("litellm_key_last_reset")),
        keys.open(rs.getString("tenant_id"), rs.getString("litellm_virtual_key"))));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  public Optional<Period> find(String tenantId) {
    return jdbi.withExtension(PeriodDao.class, dao -> dao.find(tenantId));
  }

  /** The period, locked until the caller's transaction ends. */
  public Optional<Period> lock(Handle handle, String tenantId) {
    return handle.attach(PeriodDao.class).lock(tenantId);
  }

  /** Tenants whose period has ended by {@code now}, the longest ended first. */
  public List<String> due(Instant now, int limit) {
    return jdbi.withExtension(PeriodDao.class, dao -> dao.due(now, limit));
  }

  /** Records a new period from {@code startedAt} to {@code nextResetAt} (null: no next reset) in the caller's transaction. */
  public void startPeriod(Handle handle, String tenantId, Instant startedAt, Instant nextResetAt) {
    handle.attach(PeriodDao.class).startPeriod(tenantId, startedAt, nextResetAt);
  }
}
