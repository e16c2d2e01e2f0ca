package io.budgetgate.litellm;

import com.codahale.metrics.health.HealthCheck;

/** Healthy when LiteLLM answers its liveness probe. */
final class LiteLlmHealthCheck extends HealthCheck {
  private final LiteLlmClient client;
  private final String baseUrl;

  LiteLlmHealthCheck(LiteLlmClient client, String baseUrl) {
    this.client = client;
    this.baseUrl = baseUrl;
  }

  @Override
  protected Result check() {
    return client.isAlive()
        ? Result.healthy("LiteLLM at %s answers", baseUrl)
        : Result.unhealthy("LiteLLM at %s does not answer /health/liveliness", baseUrl);
  }
}
