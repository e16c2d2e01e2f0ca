package io.budgetgate.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps an {@code audit_log} row. */
final class AuditRowMapper implements RowMapper<AuditEntry> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  @Override
  public AuditEntry map(ResultSet rs, StatementContext ctx) throws SQLException {
    Map<String, Object> details;
    try {
      details = JSON.readValue(rs.getString("details"), MAP);
    } catch (IOException e) {
      throw new SQLException("audit_log.details is not a JSON object", e);
    }
    return new AuditEntry(
        rs.getLong("id"),
        rs.getTimestamp("occurred_at").toInstant(),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("tenant_id"),
        details);
  }
}
