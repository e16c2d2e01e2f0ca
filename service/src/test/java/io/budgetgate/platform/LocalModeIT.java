package io.budgetgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.TestRedis;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README quickstart: the jar on local.yml with nothing else installed answers the API with the
 * local tokens, and Ctrl-C (SIGINT) stops it with no postgres process left behind.
 */
class LocalModeIT {

  @Test
  void quickstartServesTheApiAndCtrlCLeavesNoPostgresBehind() throws Exception {
    int http = TestRedis.freePort();
    int admin = TestRedis.freePort();
    int litellm = TestRedis.freePort();
    File log = File.createTempFile("budgetgate-local", ".log");
    Process process = ServiceJar.builder(
            Map.of("HTTP_PORT", String.valueOf(http), "ADMIN_PORT", String.valueOf(admin),
                "LITELLM_SIMULATOR_PORT", String.valueOf(litellm)),
            "server", ServiceJar.shippedConfig("local.yml").toString())
        .redirectOutput(log)
        .start();
    try {
      ApiClient api = new ApiClient("http://127.0.0.1:" + http);
      awaitHealthy(new ApiClient("http://127.0.0.1:" + admin), process, log);
      List<ProcessHandle> postgres = embeddedPostgresProcesses(log);
      assertThat(postgres).as("the embedded postgres processes of this service").isNotEmpty();

      ApiClient.Answer created = api.post("/v1/tenants", "local-admin-token",
          "{\"tenant_id\": \"quickstart\", \"name\": \"Quickstart\", \"max_budget\": 25}");
      ApiClient.Answer read = api.get("/v1/tenants/quickstart", "local-platform-token");

      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(read.json().get("block_at").decimalValue()).isEqualByComparingTo("27.50");

      new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on Ctrl-C").isTrue();
      for (ProcessHandle pg : postgres) {
        pg.onExit().get(20, TimeUnit.SECONDS);
        assertThat(pg.isAlive()).as("postgres " + pg.pid() + " after Ctrl-C").isFalse();
      }
    } finally {
      // SIGTERM first: a SIGKILLed service cannot stop its embedded PostgreSQL
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log.toPath());
    }
  }

  /** The postgres processes serving the port the service logged for its embedded database. */
  private static List<ProcessHandle> embeddedPostgresProcesses(File log) throws Exception {
    Matcher port = Pattern.compile("embedded PostgreSQL started on 127\\.0\\.0\\.1:(\\d+)")
        .matcher(Files.readString(log.toPath(), StandardCharsets.UTF_8));
    assertThat(port.find()).as("the service logs its embedded database port").isTrue();
    String flag = "-p " + port.group(1);
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(flag)).orElse(false))
        .toList();
  }

  private static void awaitHealthy(ApiClient admin, Process process, File log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
      }
      try {
        if (admin.get("/healthcheck", null).status() == 200) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("not healthy after 90 s:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
  }
}
