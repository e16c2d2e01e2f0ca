package io.budgetgate.platform.db;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.platform.RunMode;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database to where the service can use it: in local mode starts the embedded
 * PostgreSQL when asked and migrates; in production only checks the schema is current.
 */
public final class DatabaseStartup {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseStartup.class);

  private DatabaseStartup() {}

  public static void prepare(BudgetGateConfiguration config, Environment environment) throws Exception {
    DataSourceFactory database = config.getDatabase();
    if (config.getEmbeddedDatabase().enabled()) {
      if (config.getMode() != RunMode.LOCAL) {
        throw new IllegalStateException("embeddedDatabase is for local mode only; set mode: local or point database.url at PostgreSQL");
      }
      EmbeddedDatabase embedded = new EmbeddedDatabase();
      environment.lifecycle().manage(embedded);
      database.setUrl(embedded.startAndGetUrl());
      database.setUser("postgres");
      database.setPassword("");
    }
    SchemaMigrations migrations = new SchemaMigrations(database.getUrl(), database.getUser(), database.getPassword());
    if (config.getMode() == RunMode.LOCAL) {
      migrations.migrate();
      LOG.info("local mode: database schema migrated");
    } else {
      migrations.requireUpToDate();
    }
  }
}
