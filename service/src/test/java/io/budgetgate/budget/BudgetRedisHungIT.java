package io.budgetgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestClock;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * REDIS_URL points at a Redis that accepts connections and never answers (a black hole on
 * 127.0.0.1, not a refused port): a check pays the 250 ms Redis timeout once, then the service
 * leaves Redis alone for {@code redis.retryAfter} and no further check sends it a byte.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BudgetRedisHungIT {
  @RegisterExtension
  static final TestClock CLOCK = new TestClock();
  static final BlackHole HOLE = new BlackHole();
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator(CLOCK);
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(CLOCK, DB, LITELLM,
      ConfigOverride.config("redis.url", "redis://127.0.0.1:" + HOLE.port()));

  static BudgetScenario given;

  @BeforeAll
  static void connect() {
    CLOCK.set(TestClock.START);
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
  }

  @AfterAll
  static void close() throws IOException {
    HOLE.close();
  }

  @Test
  void aHungRedisCostsOneTimeoutThenIsLeftAlone() {
    given.tenant("hung-redis", "\"max_budget\": 100");
    given.spend("hung-redis", "120");
    CLOCK.advance(Duration.ofSeconds(6)); // past any retryAfter an earlier call started
    long failures = redisFailures();

    long started = System.nanoTime();
    int first = given.access("hung-redis").status();
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    long bytesAfterFirst = HOLE.bytes();
    for (int i = 0; i < 20; i++) {
      assertThat(given.access("hung-redis").status()).isEqualTo(402);
    }

    assertThat(first).as("answered without the cache").isEqualTo(402);
    assertThat(firstMillis).as("one 250 ms Redis timeout, not one per Redis command").isLessThan(2_000);
    assertThat(redisFailures()).as("one failed Redis call").isEqualTo(failures + 1);
    assertThat(HOLE.bytes()).as("20 more checks send Redis nothing within retryAfter").isEqualTo(bytesAfterFirst);
    assertThat(APP.getEnvironment().metrics().getGauges().get("cache.redis.available").getValue()).isEqualTo(0);
  }

  private static long redisFailures() {
    return (Long) APP.getEnvironment().metrics().getGauges().get("cache.redis.failures").getValue();
  }

  /** Accepts every connection and reads it, never writing a byte back; counts what it was sent. */
  static final class BlackHole implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong bytes = new AtomicLong();

    BlackHole() {
      try {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            Thread reader = new Thread(() -> swallow(socket), "black-hole-reader");
            reader.setDaemon(true);
            reader.start();
          } catch (IOException e) {
            return; // closed
          }
        }
      }, "black-hole");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void swallow(Socket socket) {
      try (socket; InputStream in = socket.getInputStream()) {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
          bytes.addAndGet(n);
        }
      } catch (IOException e) {
        // the client gave up
      }
    }

    int port() {
      return server.getLocalPort();
    }

    long bytes() {
      return bytes.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
