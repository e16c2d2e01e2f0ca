package io.budgetgate.budget;

import io.budgetgate.budget.api.BudgetStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Where every tenant stands by its last recorded spend (the reconciler's samples), computed with
 * the same rules as the live status but without asking LiteLLM: the operator dashboard's overview,
 * cheap enough for thousands of tenants.
 */
public class BudgetBoard {
  private final Jdbi jdbi;
  private final Clock clock;

  /**
   * A tenant's line on the board.
   *
   * @param spendAt when the spend behind {@code status} was recorded; null when none is yet
   */
  public record Line(String tenantId, String name, BudgetStatus status, Instant spendAt) {}

  /** One recorded spend. */
  public record Sample(Instant sampledAt, java.math.BigDecimal spend) {}

  BudgetBoard(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Every tenant, in no particular order. */
  public List<Line> lines() {
    Instant now = clock.instant();
    return jdbi.withExtension(BudgetBoardDao.class, dao -> {
      Map<String, List<OverrideWindow>> overrides = dao.liveOverrides(now).stream()
          .collect(Collectors.groupingBy(BudgetOverride::tenantId,
              Collectors.mapping(BudgetOverride::window, Collectors.toList())));
      return dao.tenants().stream().map(row -> new Line(row.tenantId(), row.name(),
          new BudgetSnapshot(row.tenantId(), row.maxBudget(), row.alertThreshold(), row.graceThreshold(),
              row.budgetDuration(), row.budgetResetAt(), overrides.getOrDefault(row.tenantId(), List.of()),
              row.spend(), row.spendAt()).status(now, row.spend() == null ? SpendSource.UNAVAILABLE : SpendSource.STALE),
          row.spendAt())).toList();
    });
  }

  /** The tenant's recorded spend since {@code from}, oldest first. */
  public List<Sample> spendSince(String tenantId, Instant from) {
    return jdbi.withExtension(BudgetBoardDao.class, dao -> dao.samples(tenantId, from));
  }

  /** When each of these tenants is projected to be blocked at its recent burn rate (absent: not projected). */
  public Map<String, Instant> projectedBlockDates(List<BudgetStatus> statuses) {
    return Map.of(); // TODO(forecast): wired to the spend forecast when it lands
  }
}
