package io.budgetgate.litellm;

import io.dropwizard.core.setup.Environment;
import java.time.Clock;

/** Builds the LiteLLM client, its health check, and (when configured) the in-process simulator. */
public final class LiteLlmWiring {
  private LiteLlmWiring() {}

  public static LiteLlmClient wire(LiteLlmConfig config, Clock clock, Environment environment) {
    if (config.simulator().enabled()) {
      LiteLlmSimulator simulator = new LiteLlmSimulator(
          config.simulator().host(), config.simulator().port(), config.masterKey(), environment.getObjectMapper(), clock);
      environment.lifecycle().manage(simulator);
    }
    LiteLlmClient client = new LiteLlmClient(config, environment.getObjectMapper(), environment.metrics());
    environment.healthChecks().register("litellm", new LiteLlmHealthCheck(client, config.baseUrl()));
    return client;
  }
}
