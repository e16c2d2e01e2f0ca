package io.budgetgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the live schema through information_schema and pg_indexes, as an ops person would. */
final class SchemaAssertions {
  static final List<String> BUDGET_COLUMNS = List.of(
      "max_budget", "alert_threshold", "grace_threshold", "budget_duration", "budget_reset_at", "litellm_key_last_reset",
      "litellm_synced_max_budget", "litellm_sync_generation", "litellm_sync_pending_since", "litellm_sync_duration",
      "litellm_sync_attempts", "litellm_sync_next_at", "litellm_sync_error");

  private final TestPostgres.Database db;

  SchemaAssertions(TestPostgres.Database db) {
    this.db = db;
  }

  /** The budget-enforcement schema is fully there. */
  void assertBudgetSchemaPresent() throws SQLException {
    assertThat(tables()).contains("tenant_configs", "audit_log", "budget_overrides", "budget_alert_history", "notification_outbox",
        "spend_samples", "dashboard_signouts", "job_leases", "budget_reservations");
    assertThat(columns("tenant_configs")).containsAll(BUDGET_COLUMNS);

    assertColumn("tenant_configs", "max_budget", "numeric", "NO", "500.00");
    assertThat(one("SELECT numeric_precision || ',' || numeric_scale FROM information_schema.columns "
        + "WHERE table_name = 'tenant_configs' AND column_name = 'max_budget'")).isEqualTo("12,2");
    assertColumn("tenant_configs", "alert_threshold", "integer", "NO", "80");
    assertColumn("tenant_configs", "grace_threshold", "integer", "NO", "110");
    assertColumn("tenant_configs", "budget_reset_at", "timestamp with time zone", "YES", null);
    assertColumn("tenant_configs", "budget_duration", "character varying", "YES", null);
    assertColumn("tenant_configs", "litellm_key_last_reset", "timestamp with time zone", "YES", null);
    assertColumn("budget_overrides", "amount", "numeric", "NO", null);
    assertColumn("budget_alert_history", "raw_payload", "jsonb", "YES", null);
    assertThat(one("SELECT numeric_precision || ',' || numeric_scale FROM information_schema.columns "
        + "WHERE table_name = 'budget_alert_history' AND column_name = 'percent_used'"))
        .as("spend ceiling / a one-cent budget fits").isEqualTo("18,2");
    assertColumn("budget_alert_history", "projected_block_at", "timestamp with time zone", "YES", null);
    assertColumn("audit_log", "details", "jsonb", "NO", "'{}'::jsonb");

    assertThat(one("""
        SELECT ccu.table_name || '.' || ccu.column_name
          FROM information_schema.table_constraints tc
          JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name
          JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = 'budget_overrides'
           AND kcu.column_name = 'tenant_id'""")).isEqualTo("tenant_configs.tenant_id");
    assertThat(indexes()).contains("idx_budget_overrides_tenant", "idx_budget_alerts_tenant");
    assertThat(one("SELECT tablename FROM pg_indexes WHERE indexname = 'idx_budget_overrides_tenant'")).isEqualTo("budget_overrides");
    assertThat(one("SELECT tablename FROM pg_indexes WHERE indexname = 'idx_budget_alerts_tenant'")).isEqualTo("budget_alert_history");
    assertSpendSamples();
    assertThat(indexes()).contains("ux_budget_reservations_request", "idx_budget_reservations_open");
    assertThat(one("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'notification_outbox' "
        + "AND column_name = 'reset_notice_id'")).isEqualTo("YES");
    assertThat(one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'uq_budget_reset_notices_period'"))
        .isEqualTo("UNIQUE (tenant_id, period_start)");
  }

  /** spend_samples, exactly as the dashboard reads it. */
  private void assertSpendSamples() throws SQLException {
    assertColumn("spend_samples", "sampled_at", "timestamp with time zone", "NO", null);
    assertColumn("spend_samples", "spend", "numeric", "NO", null);
    assertColumn("spend_samples", "period_start", "timestamp with time zone", "YES", null);
    assertThat(one("SELECT numeric_precision || ',' || numeric_scale FROM information_schema.columns "
        + "WHERE table_name = 'spend_samples' AND column_name = 'spend'")).isEqualTo("14,4");
    assertThat(one("SELECT data_type FROM information_schema.columns WHERE table_name = 'spend_samples' AND column_name = 'id'"))
        .isEqualTo("bigint");
    assertThat(one("SELECT pg_get_indexdef('idx_spend_samples_tenant_time'::regclass)"))
        .endsWith("ON public.spend_samples USING btree (tenant_id, sampled_at)");
    assertThat(one("""
        SELECT confrelid::regclass::text || ':' || confdeltype::text FROM pg_constraint
         WHERE conrelid = 'spend_samples'::regclass AND contype = 'f'""")).isEqualTo("tenant_configs:c");
  }

  /** Rolled back to the tag: budget columns and tables gone, the rest kept. */
  void assertBudgetSchemaAbsent() throws SQLException {
    assertThat(tables()).contains("tenant_configs", "audit_log")
        .doesNotContain("budget_overrides", "budget_alert_history", "notification_outbox", "webhook_deliveries",
            "spend_samples", "budget_reset_notices", "dashboard_signouts", "job_leases", "budget_reservations");
    assertThat(columns("tenant_configs")).doesNotContainAnyElementsOf(BUDGET_COLUMNS);
    assertThat(indexes()).doesNotContain("idx_budget_overrides_tenant", "idx_budget_alerts_tenant",
        "idx_tenant_configs_litellm_sync_pending");
  }

  void insertTenant(String tenantId) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement("""
            INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                        created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, now(), now())""")) {
      s.setString(1, tenantId);
      s.setString(2, "Tenant " + tenantId);
      s.setString(3, tenantId);
      s.setString(4, String.format("%064d", Math.abs(tenantId.hashCode())));
      s.setString(5, "sk-" + tenantId);
      s.executeUpdate();
    }
  }

  List<String> tenantIds() throws SQLException {
    return list("SELECT tenant_id FROM tenant_configs ORDER BY tenant_id");
  }

  String one(String sql) throws SQLException {
    List<String> rows = list(sql);
    assertThat(rows).as(sql).hasSize(1);
    return rows.get(0);
  }

  private void assertColumn(String table, String column, String type, String nullable, String defaultValue) throws SQLException {
    String row = one("SELECT data_type || '|' || is_nullable || '|' || coalesce(column_default, '<none>') "
        + "FROM information_schema.columns WHERE table_name = '" + table + "' AND column_name = '" + column + "'");
    assertThat(row).as(table + "." + column).isEqualTo(type + "|" + nullable + "|" + (defaultValue == null ? "<none>" : defaultValue));
  }

  private List<String> tables() throws SQLException {
    return list("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  }

  private List<String> columns(String table) throws SQLException {
    return list("SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "'");
  }

  private List<String> indexes() throws SQLException {
    return list("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
  }

  private List<String> list(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
