package io.budgetgate.litellm;

import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;

/** Builds the LiteLLM client, its health checks, and (when configured) the in-process simulator. */
public final class LiteLlmWiring {
  private LiteLlmWiring() {}

  /** The client, and the tenants whose key LiteLLM said does not exist. */
  public record LiteLlm(LiteLlmClient client, MissingKeys missingKeys) {}

  public static LiteLlm wire(LiteLlmConfig config, Clock clock, Environment environment) {
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
    return new LiteLlm(client, missingKeys);
  }
}
