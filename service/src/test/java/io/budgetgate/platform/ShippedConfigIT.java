package io.budgetgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dropwizard's {@code check} command over every YAML file we ship, run through the built jar. */
class ShippedConfigIT {

  @Test
  void localYmlPassesCheckWithNoEnvironmentAtAll() throws Exception {
    ServiceJar.Run run = ServiceJar.run(Map.of(), 120, "check", ServiceJar.shippedConfig("local.yml").toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    // "Configuration is OK" goes through Dropwizard's async log appender and may be cut off at
    // exit, so the exit code is the verdict; a bad config fails with the error on stderr.
    assertThat(run.output()).doesNotContain("has an error").doesNotContain("has the following errors");
  }

  @Test
  void configYmlPassesCheckWithTheDocumentedVariables() throws Exception {
    Map<String, String> env = ServiceJar.productionEnv(
        new TestPostgres.Database("unused", "jdbc:postgresql://db.example:5432/budgetgate", "budgetgate", "secret"),
        "http://litellm.example:4000", 8080, 8081);

    ServiceJar.Run run = ServiceJar.run(env, 120, "check", ServiceJar.shippedConfig("config.yml").toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    // "Configuration is OK" goes through Dropwizard's async log appender and may be cut off at
    // exit, so the exit code is the verdict; a bad config fails with the error on stderr.
    assertThat(run.output()).doesNotContain("has an error").doesNotContain("has the following errors");
  }

  @Test
  void configYmlNamesAMissingRequiredVariable() throws Exception {
    Map<String, String> env = new HashMap<>(ServiceJar.productionEnv(
        new TestPostgres.Database("unused", "jdbc:postgresql://db.example:5432/budgetgate", "budgetgate", "secret"),
        "http://litellm.example:4000", 8080, 8081));
    env.remove("LITELLM_MASTER_KEY");

    ServiceJar.Run run = ServiceJar.run(env, 120, "check", ServiceJar.shippedConfig("config.yml").toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output()).contains("LITELLM_MASTER_KEY");
  }

  @Test
  void configYmlRefusesAMalformedWebhookSecret() throws Exception {
    Map<String, String> env = new HashMap<>(ServiceJar.productionEnv(
        new TestPostgres.Database("unused", "jdbc:postgresql://db.example:5432/budgetgate", "budgetgate", "secret"),
        "http://litellm.example:4000", 8080, 8081));
    env.put("WEBHOOK_SECRET", "not-a-standard-webhooks-secret");

    ServiceJar.Run run = ServiceJar.run(env, 120, "check", ServiceJar.shippedConfig("config.yml").toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output()).contains("webhook.secret");
  }

  @Test
  void theLiteLlmSimulatorIsRefusedOutsideLocalMode() throws Exception {
    Path production = Files.createTempFile("budgetgate-simulator-in-production", ".yml");
    try {
      String local = Files.readString(ServiceJar.shippedConfig("local.yml"));
      assertThat(local).contains("mode: local\n");
      Files.writeString(production, local.replace("mode: local\n", "mode: production\n"));

      ServiceJar.Run run = ServiceJar.run(Map.of(), 120, "check", production.toString());

      assertThat(run.exitCode()).isNotZero();
      assertThat(run.output()).contains("litellm.simulator.enabled is for mode: local only");
    } finally {
      Files.deleteIfExists(production);
    }
  }
}
