package io.budgetgate.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * The Liquibase changelog ({@code migrations.xml}) as the service uses it at start: local mode
 * applies it, production mode only checks that nothing is pending.
 */
public final class SchemaMigrations {
  public static final String CHANGELOG = "migrations.xml";
  public static final String PRE_BUDGET_TAG = "pre-budget-enforcement";

  private final String url;
  private final String user;
  private final String password;

  /** Liquibase 4.30+ reports usage over the network unless told not to; a budget service should not. */
  public static void disableLiquibaseAnalytics() {
    if (System.getProperty("liquibase.analytics.enabled") == null && System.getenv("LIQUIBASE_ANALYTICS_ENABLED") == null) {
      System.setProperty("liquibase.analytics.enabled", "false");
    }
  }

  public SchemaMigrations(String url, String user, String password) {
    disableLiquibaseAnalytics();
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** Ids of the changesets not yet applied, in order. */
  public List<String> pending() throws SQLException, LiquibaseException {
    try (Connection connection = connect()) {
      return open(connection).listUnrunChangeSets(new Contexts(), new LabelExpression()).stream()
          .map(ChangeSet::getId)
          .toList();
    }
  }

  /** Applies every pending changeset. */
  public void migrate() throws SQLException, LiquibaseException {
    try (Connection connection = connect()) {
      open(connection).update(new Contexts(), new LabelExpression());
    }
  }

  /** Rolls back every changeset applied after the tag. */
  public void rollbackTo(String tag) throws SQLException, LiquibaseException {
    try (Connection connection = connect()) {
      open(connection).rollback(tag, new Contexts(), new LabelExpression());
    }
  }

  /**
   * Refuses to go on when changesets are pending, naming them and the command that applies them.
   */
  public void requireUpToDate() throws SQLException, LiquibaseException {
    List<String> pending = pending();
    if (!pending.isEmpty()) {
      throw new PendingMigrationsException(pending);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  @SuppressWarnings("deprecation") // the Liquibase facade is still the plain way to run a changelog in 4.x
  private static Liquibase open(Connection connection) throws LiquibaseException {
    Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
    return new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database);
  }

  /** Thrown at start in production mode when the schema is behind the code. */
  public static final class PendingMigrationsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PendingMigrationsException(List<String> pending) {
      super(pending.size() + " database changeset(s) pending (" + String.join(", ", pending)
          + "); this mode never migrates by itself. Apply them with: "
          + "java -jar service/target/budgetgate.jar db migrate service/config.yml");
    }
  }
}
