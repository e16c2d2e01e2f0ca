package io.budgetgate.budget;

import io.budgetgate.rules.OverrideWindow;
import io.budgetgate.rules.SpendForecast;
import io.budgetgate.rules.SpendSample;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
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
  private final SpendHistory history;
  private final Clock clock;

  /**
   * A tenant's line on the board.
   *
   * @param spendAt when the spend behind {@code status} was recorded; null when none is yet
   * @param periodStart when the tenant's current budget period began (last reset, or creation)
   */
  public record Line(String tenantId, String name, BudgetStanding status, Instant spendAt, Instant periodStart) {}

  BudgetBoard(Jdbi jdbi, SpendHistory history, Clock clock) {
    this.jdbi = jdbi;
    this.history = history;
    this.clock = clock;
  }

  /** Every tenant, in no particular order; the statuses carry no forecast (see {@link #projectedBlockDates}). */
  public List<Line> lines() {
    Instant now = clock.instant();
    return jdbi.withExtension(BudgetBoardDao.class, dao -> {
      Map<String, List<OverrideWindow>> overrides = dao.liveOverrides(now).stream()
          .collect(Collectors.groupingBy(BudgetOverride::tenantId,
              Collectors.mapping(BudgetOverride::window, Collectors.toList())));
      return dao.tenants().stream().map(row -> new Line(row.tenantId(), row.name(),
          new BudgetSnapshot(row.tenantId(), row.maxBudget(), row.alertThreshold(), row.graceThreshold(),
              row.budgetDuration(), row.budgetResetAt(), overrides.getOrDefault(row.tenantId(), List.of()),
              row.spend(), row.spendAt(), null, row.litellmSyncPendingSince())
              .status(now, row.spend() == null ? SpendSource.UNAVAILABLE : SpendSource.STALE),
          row.spendAt(), row.periodStart())).toList();
    });
  }

  /**
   * When each of these tenants is projected to be blocked at its recent burn rate, by the same
   * forecast as the live status ({@link SpendForecast}); absent when there is no projection. One
   * query for all of them, so ask for a page, not the whole board.
   */
  public Map<String, Instant> projectedBlockDates(List<Line> lines) {
    if (lines.isEmpty()) {
      return Map.of();
    }
    Instant now = clock.instant();
    Map<String, List<SpendSample>> samples = jdbi.withExtension(BudgetBoardDao.class,
        dao -> dao.samples(lines.stream().map(Line::tenantId).toList(), now.minus(SpendForecast.WINDOW), now)).stream()
        .collect(Collectors.groupingBy(BudgetBoardDao.TenantSample::tenantId,
            Collectors.mapping(s -> new SpendSample(s.sampledAt(), s.spend()), Collectors.toList())));
    Map<String, Instant> projected = new HashMap<>();
    for (Line line : lines) {
      BudgetStanding s = line.status();
      Instant at = SpendForecast.projectedBlockAt(s.spend(), s.blockAt(),
          SpendForecast.burnRatePerHour(samples.getOrDefault(line.tenantId(), List.of()), line.periodStart(), now), now,
          s.budgetResetAt());
      if (at != null) {
        projected.put(line.tenantId(), at);
      }
    }
    return projected;
  }

  /** The tenant's recorded spend since {@code from}, oldest first. */
  public List<SpendSample> spendSince(String tenantId, Instant from) {
    return history.spendSamples(tenantId, from);
  }
}
