package io.budgetgate.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
  java.util.Optional<SpendSample> latest(String tenantId, Instant from);

  @SqlUpdate("DELETE FROM spend_samples WHERE tenant_id = :tenantId AND sampled_at < :cutoff")
  int deleteOlderThan(String tenantId, Instant cutoff);
}
