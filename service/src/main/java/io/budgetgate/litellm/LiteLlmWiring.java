package io.budgetgate.litellm;

import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.secrets.SecretsConfig;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the LiteLLM client, its health checks, and (when configured) the in-process simulator. */
public final class LiteLlmWiring {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmWiring.class);

  private LiteLlmWiring() {}

  /** The client, the tenants whose key LiteLLM said does not exist, and how keys are stored. */
  public record LiteLlm(LiteLlmClient client, MissingKeys missingKeys, VirtualKeys keys) {}

  public static LiteLlm wire(LiteLlmConfig config, SecretsConfig secrets, Clock clock, Environment environment) {
    if (config.simulator().enabled()) {
      LiteLlmSimulator simulator = new LiteLlmSimulator(
          config.simulator().host(), config.simulator().port(), config.masterKey(), environment.getObjectMapper(), clock);
      environment.lifecycle().manage(simulator);
    }
    LiteLlmClient client = new LiteLlmClient(config, environment.getObjectMapper(), environment.metrics());
    MissingKeys missingKeys = new MissingKeys(environment.metrics());
    environment.healthChecks().register("litellm", new LiteLlmHealthCheck(client, config.baseUrl()));
    environment.healthChecks().register("litellm-keys", new LiteLlmKeysHealthCheck(missingKeys));
    environment.healthChecks().register("litellm-breaker", new LiteLlmBreakerHealthCheck(client));
    if (secrets.usesDevelopmentKey()) {
      LOG.warn("tenant keys are sealed with local.yml's development key, which is published: local use only");
    }
    return new LiteLlm(client, missingKeys, new VirtualKeys(secrets.box()));
  }
}
