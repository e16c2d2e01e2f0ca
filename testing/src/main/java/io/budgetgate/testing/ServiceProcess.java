package io.budgetgate.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * BudgetGate as users run it: {@code java -jar budgetgate.jar server config.yml}, settings from
 * environment variables, short timings as Dropwizard {@code -Ddw.*} overrides of config.yml.
 */
public final class ServiceProcess implements AutoCloseable {
  private final Map<String, String> env;
  private final Map<String, String> overrides;
  private final File log;
  private final int httpPort;
  private final int adminPort;
  private Process process;

  public ServiceProcess(Map<String, String> env, Map<String, String> overrides) throws IOException {
    this.httpPort = TestRedis.freePort();
    this.adminPort = TestRedis.freePort();
    this.env = new LinkedHashMap<>(env);
    this.env.put("HTTP_PORT", String.valueOf(httpPort));
    this.env.put("ADMIN_PORT", String.valueOf(adminPort));
    this.overrides = Map.copyOf(overrides);
    this.log = File.createTempFile("budgetgate-harness-", ".log");
  }

  public ServiceProcess start() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // extra JVM options for a profiling session, e.g. -Dbudgetgate.service.jvmArgs=-XX:StartFlightRecording=filename=x.jfr
    String extra = System.getProperty("budgetgate.service.jvmArgs", "");
    for (String arg : extra.trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        command.add(arg);
      }
    }
    String agent = System.getProperty("budgetgate.jacoco.agent");
    if (agent != null && !agent.isBlank()) {
      // coverage of the code these processes run, merged with the in-process tests' (module coverage)
      command.add("-javaagent:" + agent + "=destfile=" + System.getProperty("budgetgate.jacoco.destfile")
          + ",append=true,includes=io.budgetgate.*");
    }
    overrides.forEach((k, v) -> command.add("-Ddw." + k + "=" + v));
    command.addAll(List.of("-jar", ServiceJar.jar().toString(), "server", ServiceJar.shippedConfig("config.yml").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.environment().keySet().removeIf(k -> k.startsWith("BUDGETGATE_") || ServiceJar.SERVICE_VARIABLES.contains(k));
    builder.environment().putAll(env);
    process = builder.start();
    ApiClient admin = new ApiClient("http://127.0.0.1:" + adminPort);
    try {
      Eventually.await("BudgetGate healthy on port " + httpPort, Duration.ofSeconds(90), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("BudgetGate exited with " + process.exitValue() + ":\n" + output());
        }
        try {
          return admin.get("/healthcheck", null).status() == 200;
        } catch (IllegalStateException notListening) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- log ---\n" + output(), e);
    }
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public ApiClient api() {
    return new ApiClient(baseUrl());
  }

  public ApiClient admin() {
    return new ApiClient(adminUrl());
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  /** SIGKILL: no shutdown hook, no graceful stop, as a crash or the OOM killer. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  public String output() {
    try {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    Files.deleteIfExists(log.toPath());
  }
}
