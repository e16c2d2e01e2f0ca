package io.budgetgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.testcontainers.containers.GenericContainer;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The Redis every test that touches the cache or dedup uses, resolved once per JVM in DESIGN
 * §10's order: {@code BUDGETGATE_TEST_REDIS_URL} when set, Testcontainers when a Docker engine
 * answers, otherwise an embedded redis-server.
 */
public final class TestRedis {
  public static final String ENV_URL = "BUDGETGATE_TEST_REDIS_URL";

  private static String url;

  private TestRedis() {}

  /** {@code redis://host:port} of the resolved server (started on first use). */
  public static synchronized String url() {
    if (url == null) {
      url = resolve();
    }
    return url;
  }

  /** An embedded redis-server a test can stop and start again on the same port. */
  public static final class EmbeddedRedis {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
      this.server = server;
      this.port = port;
    }

    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public void stop() {
      stopQuietly(server);
    }

    public void start() {
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restart embedded redis-server", e);
      }
    }
  }

  /** Starts an embedded redis-server regardless of the environment and returns its URL. */
  public static String embedded() {
    return startEmbedded().url();
  }

  /**
   * Starts an embedded redis-server on a free port. The binary is unpacked into one fixed folder,
   * so repeated runs do not leave a folder each behind.
   */
  public static EmbeddedRedis startEmbedded() {
    try {
      int port = freePort();
      File folder = new File(System.getProperty("java.io.tmpdir"), "budgetgate-embedded-redis");
      if (!folder.isDirectory() && !folder.mkdirs()) {
        throw new IOException("cannot create " + folder);
      }
      RedisServer server = RedisServer.newRedisServer()
          .executableProvider(ExecutableProvider.newJarResourceProvider(folder))
          .bind("127.0.0.1")
          .port(port)
          .setting("save \"\"")
          .setting("appendonly no")
          .onShutdownForceStop(true)
          .build();
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server)));
      return new EmbeddedRedis(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded redis-server", e);
    }
  }

  private static String resolve() {
    String fromEnv = System.getenv(ENV_URL);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    if (TestPostgres.dockerAnswers()) {
      GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
    return embedded();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void stopQuietly(RedisServer server) {
    try {
      server.stop();
    } catch (IOException e) {
      // the JVM is exiting
    }
  }
}
