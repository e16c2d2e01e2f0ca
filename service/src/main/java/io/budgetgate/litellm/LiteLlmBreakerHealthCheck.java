package io.budgetgate.litellm;

import com.codahale.metrics.health.HealthCheck;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/** Unhealthy while budget checks' circuit breaker is open: checks answer without asking LiteLLM. */
final class LiteLlmBreakerHealthCheck extends HealthCheck {
  private final LiteLlmClient client;

  LiteLlmBreakerHealthCheck(LiteLlmClient client) {
    this.client = client;
  }

  @Override
  protected Result check() {
    CircuitBreaker.State state = client.breakerState();
    return switch (state) {
      case OPEN, FORCED_OPEN -> Result.unhealthy("open: budget checks answer from the last known spend (source stale) "
          + "or per budget.failMode without asking LiteLLM, which failed recently (ops-runbook/litellm-down.md)");
      case HALF_OPEN -> Result.healthy("half-open: probing LiteLLM with the next checks");
      default -> Result.healthy("closed: budget checks ask LiteLLM");
    };
  }
}
