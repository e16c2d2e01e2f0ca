package io.budgetgate.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code service/target/budgetgate.jar} as a separate process, the way users run
 * it, with an environment of the test's choosing.
 */
public final class ServiceJar {

  /** A finished run: exit code and everything it printed. */
  public record Run(int exitCode, String output) {}

  private ServiceJar() {}

  /** The shaded jar, from the service module or from a sibling module. */
  public static Path jar() {
    for (String candidate : List.of("target/budgetgate.jar", "../service/target/budgetgate.jar")) {
      Path path = Path.of(candidate).toAbsolutePath().normalize();
      if (Files.isRegularFile(path)) {
        return path;
      }
    }
    throw new IllegalStateException("service/target/budgetgate.jar is missing: build with 'mvn package' first");
  }

  /** A YAML shipped in the service module (config.yml, local.yml). */
  public static Path shippedConfig(String name) {
    for (String candidate : List.of(name, "../service/" + name)) {
      Path path = Path.of(candidate).toAbsolutePath().normalize();
      if (Files.isRegularFile(path) && path.getParent().getFileName().toString().equals("service")) {
        return path;
      }
    }
    throw new IllegalStateException("cannot find service/" + name);
  }

  public static ProcessBuilder builder(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("BUDGETGATE_") || SERVICE_VARIABLES.contains(k));
    builder.environment().putAll(env);
    return builder;
  }

  /** Runs to completion (or kills it after the timeout and fails). */
  public static Run run(Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
    File out = File.createTempFile("budgetgate-run", ".log");
    try {
      Process process = builder(env, args).redirectOutput(out).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("'" + String.join(" ", args) + "' still ran after " + timeoutSeconds + " s:\n"
            + Files.readString(out.toPath(), StandardCharsets.UTF_8));
      }
      return new Run(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }

  /** The variables config.yml reads (DESIGN §9); cleared so the machine's own never leak in. */
  public static final List<String> SERVICE_VARIABLES = List.of(
      "DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD", "REDIS_URL", "LITELLM_BASE_URL", "LITELLM_MASTER_KEY",
      "WEBHOOK_SECRET", "WEBHOOK_PATH_TOKEN", "ADMIN_TOKEN_SHA256", "PLATFORM_TOKEN_SHA256", "VIEWER_TOKEN_SHA256",
      "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM", "HTTP_PORT", "ADMIN_PORT",
      "KEY_ENCRYPTION_KEYS");

  /** A complete production environment for config.yml against this database. */
  public static Map<String, String> productionEnv(TestPostgres.Database db, String litellmUrl, int httpPort, int adminPort) {
    return Map.ofEntries(
        Map.entry("DATABASE_URL", db.url()),
        Map.entry("DATABASE_USER", db.user()),
        Map.entry("DATABASE_PASSWORD", db.password()),
        Map.entry("LITELLM_BASE_URL", litellmUrl),
        Map.entry("LITELLM_MASTER_KEY", TestTokens.LITELLM_MASTER_KEY),
        Map.entry("WEBHOOK_SECRET", "whsec_dGVzdC13ZWJob29rLXNlY3JldA=="),
        Map.entry("ADMIN_TOKEN_SHA256", "17d6bfe05d1b1fb7bc499f8e3f639c7b3eda4c40f321eef8887a0c04c89a99c5"),
        Map.entry("PLATFORM_TOKEN_SHA256", "e3013fc54e74652c8f77b467697eb11ec8b03a9aa3c8aaec78bfcdfd3750b995"),
        Map.entry("KEY_ENCRYPTION_KEYS", TestKeys.KEY_ENCRYPTION_KEYS),
        Map.entry("HTTP_PORT", String.valueOf(httpPort)),
        Map.entry("ADMIN_PORT", String.valueOf(adminPort)));
  }
}
