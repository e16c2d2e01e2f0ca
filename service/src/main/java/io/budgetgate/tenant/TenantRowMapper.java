package io.budgetgate.tenant;

import io.budgetgate.litellm.VirtualKeys;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a {@code tenant_configs} row. */
final class TenantRowMapper implements RowMapper<Tenant> {
  private final VirtualKeys keys;

  TenantRowMapper(VirtualKeys keys) {
    this.keys = keys;
  }

  @Override
  public Tenant map(ResultSet rs, StatementContext ctx) throws SQLException {
    Array emails = rs.getArray("notification_emails");
    return new Tenant(
        rs.getString("tenant_id"),
        rs.getString("name"),
        rs.getBigDecimal("max_budget"),
        rs.getInt("alert_threshold"),
        rs.getInt("grace_threshold"),
        rs.getString("budget_duration"),
        instant(rs.getTimestamp("budget_reset_at")),
        instant(rs.getTimestamp("litellm_key_last_reset")),
        rs.getString("litellm_key_alias"),
        rs.getString("litellm_key_hash"),
        keys.open(rs.getString("tenant_id"), rs.getString("litellm_virtual_key")),
        emails == null ? List.of() : List.of((String[]) emails.getArray()),
        rs.getString("slack_webhook_url"),
        rs.getLong("version"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
