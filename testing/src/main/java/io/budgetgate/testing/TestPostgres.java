package io.budgetgate.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server every test that touches SQL uses, resolved once per JVM in DESIGN §10's
 * order: {@code BUDGETGATE_TEST_DATABASE_URL} when set, Testcontainers when a Docker engine
 * answers, otherwise an embedded PostgreSQL 17. Each test class gets a database of its own on it.
 */
public final class TestPostgres {
  public static final String ENV_URL = "BUDGETGATE_TEST_DATABASE_URL";

  /** A server: a JDBC URL to an existing database on it plus credentials. */
  public record Server(String source, String adminUrl, String user, String password) {}

  /** One database on the server, private to its test. */
  public record Database(String name, String url, String user, String password) {
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  private static Server server;

  private TestPostgres() {}

  /** The resolved server (started on first use). */
  public static synchronized Server server() {
    if (server == null) {
      server = resolve();
    }
    return server;
  }

  /** A new, empty database with a unique name on the resolved server. */
  public static Database newDatabase() {
    return newDatabase(server());
  }

  /** A new, empty database on the given server. */
  public static Database newDatabase(Server on) {
    String name = "bg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(on.adminUrl(), on.user(), on.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + on.source(), e);
    }
    return new Database(name, withDatabase(on.adminUrl(), name), on.user(), on.password());
  }

  /** Starts an embedded PostgreSQL regardless of the environment (to prove the fallback works). */
  public static Server embedded() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg)));
      return new Server("embedded PostgreSQL (zonky)", pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static Server resolve() {
    String url = System.getenv(ENV_URL);
    if (url != null && !url.isBlank()) {
      Map<String, String> params = queryParams(url);
      return new Server(ENV_URL, url, params.getOrDefault("user", "postgres"), params.getOrDefault("password", ""));
    }
    if (dockerAnswers()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new Server("Testcontainers", container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    return embedded();
  }

  static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  /** Replaces the database name in {@code jdbc:postgresql://host:port/db?params}. */
  static String withDatabase(String jdbcUrl, String database) {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return "jdbc:postgresql://" + uri.getRawAuthority() + "/" + database + query;
  }

  private static Map<String, String> queryParams(String jdbcUrl) {
    Map<String, String> params = new LinkedHashMap<>();
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    if (uri.getQuery() != null) {
      for (String pair : uri.getQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return params;
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      // the JVM is exiting; the data directory is temporary
    }
  }
}
