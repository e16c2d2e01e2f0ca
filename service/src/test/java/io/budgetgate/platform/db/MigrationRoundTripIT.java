package io.budgetgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.TestPostgres;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** migrate -> rollback to the pre-budget tag -> migrate, through Liquibase, on real PostgreSQL. */
class MigrationRoundTripIT {

  @Test
  void budgetSchemaRollsBackToTheTagAndForwardAgainKeepingTenants() throws Exception {
    TestPostgres.Database db = TestPostgres.newDatabase();
    SchemaMigrations migrations = new SchemaMigrations(db.url(), db.user(), db.password());
    SchemaAssertions schema = new SchemaAssertions(db);

    assertThat(migrations.pending()).hasSize(16);
    migrations.migrate();
    assertThat(migrations.pending()).isEmpty();
    schema.assertBudgetSchemaPresent();
    schema.insertTenant("keeper-a");
    schema.insertTenant("keeper-b");
    assertThat(schema.one("SELECT max_budget || '/' || alert_threshold || '/' || grace_threshold FROM tenant_configs WHERE tenant_id = 'keeper-a'"))
        .isEqualTo("500.00/80/110");

    migrations.rollbackTo(SchemaMigrations.PRE_BUDGET_TAG);

    schema.assertBudgetSchemaAbsent();
    assertThat(schema.tenantIds()).containsExactly("keeper-a", "keeper-b");
    assertThat(migrations.pending()).containsExactly("0003-tag-pre-budget-enforcement", "0004-add-budget-enforcement",
        "0005-create-notification-outbox", "0006-add-litellm-synced-max-budget",
        "0007-create-webhook-deliveries", "0008-create-spend-samples",
        "0009-add-alert-projected-block-at", "0010-create-budget-reset-notices", "0011-create-dashboard-signouts",
        "0012-widen-alert-percent-used", "0013-add-litellm-key-sync-state", "0014-create-job-leases",
        "0015-add-outbox-message", "0016-create-budget-reservations");

    migrations.migrate();

    schema.assertBudgetSchemaPresent();
    assertThat(schema.tenantIds()).containsExactly("keeper-a", "keeper-b");
    assertThat(schema.one("SELECT max_budget || '/' || alert_threshold || '/' || grace_threshold FROM tenant_configs WHERE tenant_id = 'keeper-b'"))
        .isEqualTo("500.00/80/110");
  }

  @Test
  void productionModeRefusesAPendingSchemaNamingTheCommand() throws Exception {
    TestPostgres.Database db = TestPostgres.newDatabase();
    SchemaMigrations migrations = new SchemaMigrations(db.url(), db.user(), db.password());

    Throwable refused = Assertions.catchThrowable(migrations::requireUpToDate);

    assertThat(refused).isInstanceOf(SchemaMigrations.PendingMigrationsException.class)
        .hasMessageContaining("16 database changeset(s) pending")
        .hasMessageContaining("db migrate");
  }
}
