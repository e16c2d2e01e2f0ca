package io.budgetgate.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The migration commands as ops run them: the built jar, config.yml, settings from env vars,
 * on real PostgreSQL. See ops-runbook/migrations.md.
 */
class MigrationCliIT {
  private final TestPostgres.Database db = TestPostgres.newDatabase();
  private final SchemaAssertions schema = new SchemaAssertions(db);

  @Test
  void serverRefusesToStartWithPendingChangesetsAndNamesTheCommand() throws Exception {
    ServiceJar.Run run = ServiceJar.run(env(), 120, "server", config());

    assertThat(run.exitCode()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("pending").contains("db migrate");
    assertThat(schema.one("SELECT count(*) FROM information_schema.tables WHERE table_name = 'tenant_configs'")).isEqualTo("0");
  }

  @Test
  void migrateRollbackToTheTagAndMigrateAgainThroughTheJar() throws Exception {
    ServiceJar.Run before = ServiceJar.run(env(), 120, "db", "status", config());
    assertThat(before.exitCode()).as(before.output()).isZero();
    assertThat(before.output()).contains("16 changesets have not been applied");

    ServiceJar.Run migrate = ServiceJar.run(env(), 120, "db", "migrate", config());
    assertThat(migrate.exitCode()).as(migrate.output()).isZero();
    schema.assertBudgetSchemaPresent();
    assertThat(ServiceJar.run(env(), 120, "db", "status", config()).output()).contains("is up to date");
    schema.insertTenant("survivor-1");
    schema.insertTenant("survivor-2");

    ServiceJar.Run rollback = ServiceJar.run(env(), 120, "db", "rollback", "--tag", "pre-budget-enforcement", config());
    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    schema.assertBudgetSchemaAbsent();
    assertThat(schema.tenantIds()).containsExactly("survivor-1", "survivor-2");
    assertThat(ServiceJar.run(env(), 120, "db", "status", config()).output()).contains("14 changesets have not been applied");

    ServiceJar.Run again = ServiceJar.run(env(), 120, "db", "migrate", config());
    assertThat(again.exitCode()).as(again.output()).isZero();
    schema.assertBudgetSchemaPresent();
    assertThat(schema.tenantIds()).containsExactly("survivor-1", "survivor-2");
  }

  private Map<String, String> env() throws Exception {
    return ServiceJar.productionEnv(db, "http://127.0.0.1:9", TestRedis.freePort(), TestRedis.freePort());
  }

  private static String config() {
    return ServiceJar.shippedConfig("config.yml").toString();
  }
}
