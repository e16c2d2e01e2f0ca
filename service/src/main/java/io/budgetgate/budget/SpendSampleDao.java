package io.budgetgate.budget;

import io.budgetgate.rules.SpendSample;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code spend_samples}. */
interface SpendSampleDao {

  @SqlUpdate("""
      INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start)
      VALUES (:tenantId, :sampledAt, :spend, :periodStart)""")
  void insert(String tenantId, Instant sampledAt, BigDecimal spend, Instant periodStart);

  /** Oldest first; uses {@code idx_spend_samples_tenant_time}. */
  @SqlQuery("""
      SELECT sampled_at, spend FROM spend_samples
       WHERE tenant_id = :tenantId AND sampled_at >= :from
       ORDER BY sampled_at, id""")
  List<SpendSample> since(String tenantId, Instant from);

  @SqlQuery("""
      SELECT sampled_at, spend FROM spend_samples
       WHERE tenant_id = :tenantId AND sampled_at >= :from
       ORDER BY sampled_at DESC, id DESC LIMIT 1""")
  Optional<SpendSample> latest(String tenantId, Instant from);

  /** Several tenants' samples at or after {@code from}, oldest first (the reconciler reads a page of tenants at once). */
  @SqlQuery("""
      SELECT tenant_id, sampled_at, spend FROM spend_samples
       WHERE tenant_id = ANY(:tenantIds) AND sampled_at >= :from
       ORDER BY tenant_id, sampled_at, id""")
  @RegisterConstructorMapper(TenantSpendSample.class)
  List<TenantSpendSample> sinceForEach(List<String> tenantIds, Instant from);

  /** A sample with its tenant. */
  record TenantSpendSample(String tenantId, Instant sampledAt, BigDecimal spend) {}

  @org.jdbi.v3.sqlobject.statement.SqlBatch("""
      INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start)
      VALUES (:tenantId, :sampledAt, :spend, :periodStart)""")
  void insertAll(@org.jdbi.v3.sqlobject.customizer.BindMethods List<SpendHistory.Sample> samples);

  @SqlUpdate("DELETE FROM spend_samples WHERE tenant_id = ANY(:tenantIds) AND sampled_at < :cutoff")
  int deleteOlderThanForEach(List<String> tenantIds, Instant cutoff);

  @SqlUpdate("DELETE FROM spend_samples WHERE tenant_id = :tenantId AND sampled_at < :cutoff")
  int deleteOlderThan(String tenantId, Instant cutoff);
}
