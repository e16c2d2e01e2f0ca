package io.budgetgate.budget;

import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.rules.SpendSample;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Row mappers for the budget feature's row types. */
final class BudgetRowMappers {
  private BudgetRowMappers() {}

  static void register(Jdbi jdbi, VirtualKeys keys) {
    jdbi.registerRowMapper(BudgetRow.class, (RowMapper<BudgetRow>) (rs, ctx) -> new BudgetRow(
        rs.getString("tenant_id"),
        rs.getBigDecimal("max_budget"),
        rs.getInt("alert_threshold"),
        rs.getInt("grace_threshold"),
        rs.getString("budget_duration"),
        instant(rs, "budget_reset_at"),
        instant(rs, "litellm_key_last_reset"),
        keys.open(rs.getString("tenant_id"), rs.getString("litellm_virtual_key")),
        rs.getLong("version"),
        instant(rs, "litellm_sync_pending_since"),
        rs.getLong("litellm_sync_generation"),
        rs.getBoolean("litellm_sync_duration")));
    jdbi.registerRowMapper(SpendSample.class, (RowMapper<SpendSample>) (rs, ctx) -> new SpendSample(
        instant(rs, "sampled_at"), rs.getBigDecimal("spend")));
    jdbi.registerRowMapper(ReservationRow.class, (RowMapper<ReservationRow>) (rs, ctx) -> new ReservationRow(
        rs.getObject("id", UUID.class),
        rs.getLong("seq"),
        rs.getString("tenant_id"),
        rs.getString("request_id"),
        rs.getString("status"),
        rs.getBigDecimal("amount"),
        rs.getBigDecimal("actual_cost"),
        rs.getBigDecimal("spend_at_hold"),
        rs.getString("refused_reason"),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "settled_at"),
        instant(rs, "counts_until"),
        instant(rs, "ended_at")));
    jdbi.registerRowMapper(BudgetOverride.class, (RowMapper<BudgetOverride>) (rs, ctx) -> new BudgetOverride(
        rs.getObject("id", UUID.class),
        rs.getString("tenant_id"),
        rs.getBigDecimal("amount"),
        rs.getString("reason"),
        instant(rs, "starts_at"),
        instant(rs, "expires_at"),
        rs.getString("created_by"),
        instant(rs, "created_at"),
        instant(rs, "revoked_at"),
        rs.getString("revoked_by")));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
