package io.budgetgate.budget;

import io.budgetgate.rules.BudgetPolicy;
import io.budgetgate.rules.SpendSample;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Each tenant's spend over time ({@code spend_samples}): the reconciler records one sample per
 * tenant per round, the forecast and other features (the dashboard's spend chart) read them here.
 */
public class SpendHistory {
  private final Jdbi jdbi;

  SpendHistory(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * The tenant's samples taken at or after {@code from}, oldest first. To chart the current period,
   * pass the period start (the last reset, or the tenant's creation); an unknown tenant has none.
   */
  public List<SpendSample> spendSamples(String tenantId, Instant from) {
    Objects.requireNonNull(from, "from");
    return jdbi.withExtension(SpendSampleDao.class, dao -> dao.since(tenantId, from));
  }

  /** The same, on a connection the caller holds (a decision reads everything on one). */
  static List<SpendSample> spendSamples(Handle handle, String tenantId, Instant from) {
    Objects.requireNonNull(from, "from");
    return handle.attach(SpendSampleDao.class).since(tenantId, from);
  }

  /** The newest sample taken at or after {@code from}, if any. */
  public Optional<SpendSample> latestSince(String tenantId, Instant from) {
    return jdbi.withExtension(SpendSampleDao.class, dao -> dao.latest(tenantId, from));
  }

  /**
   * Stores the spend read at {@code sampledAt} for the period that started at {@code periodStart},
   * and deletes this tenant's samples older than {@code retention} before it (per tenant, so the
   * delete uses the index).
   */
  /** One tenant's spend read at {@code sampledAt}, for the period that started at {@code periodStart}. */
  public record Sample(String tenantId, Instant sampledAt, BigDecimal spend, Instant periodStart) {}

  /**
   * Stores many tenants' samples in one batch and prunes theirs older than {@code retention}, in
   * one transaction: all or none (a caller that must not lose the others retries one by one).
   */
  public void recordAll(List<Sample> samples, Duration retention) {
    if (samples.isEmpty()) {
      return;
    }
    List<Sample> clean = samples.stream()
        .map(s -> new Sample(s.tenantId(), s.sampledAt(), BudgetPolicy.sanitiseSpend(s.spend()), s.periodStart())).toList();
    Instant oldest = clean.stream().map(Sample::sampledAt).min(Instant::compareTo).orElseThrow();
    jdbi.useTransaction(handle -> {
      SpendSampleDao dao = handle.attach(SpendSampleDao.class);
      dao.insertAll(clean);
      dao.deleteOlderThanForEach(clean.stream().map(Sample::tenantId).toList(), oldest.minus(retention));
    });
  }

  public void record(String tenantId, Instant sampledAt, BigDecimal spend, Instant periodStart, Duration retention) {
    jdbi.useTransaction(handle -> {
      SpendSampleDao dao = handle.attach(SpendSampleDao.class);
      dao.insert(tenantId, sampledAt, BudgetPolicy.sanitiseSpend(spend), periodStart);
      dao.deleteOlderThan(tenantId, sampledAt.minus(retention));
    });
  }
}
