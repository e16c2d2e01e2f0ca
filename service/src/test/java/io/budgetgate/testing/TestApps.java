package io.budgetgate.testing;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.db.SchemaMigrations;
import io.dropwizard.core.Application;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Builds the service in-process for a test: its own migrated database and LiteLLM simulator. */
public final class TestApps {
  private TestApps() {}

  /**
   * test-app.yml as a file path: straight from the classpath in the service module, copied out of
   * the test-jar for the modules that use it from there.
   */
  public static String configPath() {
    URL url = TestApps.class.getResource("/test-app.yml");
    if (url == null) {
      throw new IllegalStateException("test-app.yml is not on the classpath");
    }
    if ("file".equals(url.getProtocol())) {
      return ResourceHelpers.resourceFilePath("test-app.yml");
    }
    try (InputStream in = url.openStream()) {
      Path copy = Files.createTempFile("budgetgate-test-app", ".yml");
      copy.toFile().deleteOnExit();
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh database on the test server with the whole changelog applied. */
  public static TestPostgres.Database migratedDatabase() {
    TestPostgres.Database db = TestPostgres.newDatabase();
    try {
      new SchemaMigrations(db.url(), db.user(), db.password()).migrate();
    } catch (Exception e) {
      throw new IllegalStateException("cannot migrate " + db.name(), e);
    }
    return db;
  }

  /** A small connection pool on the database, as the app has (a connection per statement costs a case about a second). */
  public static javax.sql.DataSource pool(TestPostgres.Database db) {
    org.apache.tomcat.jdbc.pool.DataSource pool = new org.apache.tomcat.jdbc.pool.DataSource();
    pool.setDriverClassName("org.postgresql.Driver");
    pool.setUrl(db.url());
    pool.setUsername(db.user());
    pool.setPassword(db.password());
    pool.setMaxActive(4);
    return pool;
  }

  /**
   * {@code -Dbudgetgate.test.cache=redis} runs every app of the suite on Redis (its database
   * {@value #SUITE_DB}) instead of test-app.yml's in-process cache and dedup; .ci/run runs the
   * cache, dedup and outbox ITs both ways.
   */
  public static final String CACHE_PROPERTY = "budgetgate.test.cache";
  public static final String REDIS_BACKEND = "redis";
  static final int SUITE_DB = 9;

  private static String redisForSuite() {
    return TestRedis.url().replaceAll("/\\d+$", "") + "/" + SUITE_DB;
  }

  private static void flushSuiteDatabase() {
    try (Jedis redis = new Jedis(URI.create(redisForSuite()))) {
      redis.flushDB();
    }
  }

  /** A started LiteLLM simulator on a free port, master key {@link TestTokens#LITELLM_MASTER_KEY}. */
  public static LiteLlmSimulator simulator() {
    return simulator(Clock.systemUTC());
  }

  /** A started simulator reading the given clock (e.g. a {@link TestClock}). */
  public static LiteLlmSimulator simulator(Clock clock) {
    return LiteLlmSimulator.onFreePort(TestTokens.LITELLM_MASTER_KEY, Jackson.newObjectMapper(), clock);
  }

  /** The service with test-app.yml (production mode) on this database and simulator, on the system clock. */
  public static DropwizardAppExtension<BudgetGateConfiguration> app(
      TestPostgres.Database db, LiteLlmSimulator simulator, ConfigOverride... extra) {
    return app(Clock.systemUTC(), db, simulator, extra);
  }

  /** The same on a clock the test moves (give the simulator the same one). */
  public static DropwizardAppExtension<BudgetGateConfiguration> app(Clock clock,
      TestPostgres.Database db, LiteLlmSimulator simulator, ConfigOverride... extra) {
    List<ConfigOverride> overrides = new ArrayList<>(List.of(
        ConfigOverride.config("database.url", db.url()),
        ConfigOverride.config("database.user", db.user()),
        ConfigOverride.config("database.password", db.password()),
        ConfigOverride.config("litellm.baseUrl", simulator.baseUrl())));
    boolean onRedis = REDIS_BACKEND.equals(System.getProperty(CACHE_PROPERTY));
    if (onRedis) {
      overrides.add(ConfigOverride.config("redis.url", redisForSuite()));
    }
    overrides.addAll(List.of(extra)); // a test's own redis.url still wins
    return new DropwizardAppExtension<>(new DropwizardTestSupport<>(TestApplication.class, configPath(),
        overrides.toArray(ConfigOverride[]::new)) {
      @Override
      public Application<BudgetGateConfiguration> newApplication() {
        return new TestApplication(clock);
      }

      private boolean startedBefore;

      @Override
      public void before() throws Exception {
        if (startedBefore) {
          // The same class again in this JVM, as PIT's mutation runs do: start from what a first
          // run finds, or its own rows from the last run fail it and every mutant counts as killed.
          emptyTables(db);
          simulator.reset();
        }
        boolean again = startedBefore;
        startedBefore = true;
        if (onRedis) {
          flushSuiteDatabase(); // the classes run one after another: none sees the last one's keys
        }
        super.before();
        String redisUrl = getConfiguration().getRedis().url();
        if (again && !redisUrl.isBlank()) {
          try (Jedis redis = new Jedis(URI.create(redisUrl))) {
            redis.flushDB(); // a test's own Redis: the last run's snapshots and claims are gone too
          } catch (JedisConnectionException e) {
            // a Redis the test keeps down on purpose (BudgetRedisDownIT) holds nothing to forget
          }
        }
      }
    });
  }

  /** Every table of the migrated schema emptied (Liquibase's own tables kept), sequences restarted. */
  public static void emptyTables(TestPostgres.Database db) {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
          + " AND tablename NOT LIKE 'databasechangelog%'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.isEmpty()) {
        st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty " + db.name(), e);
    }
  }
}
