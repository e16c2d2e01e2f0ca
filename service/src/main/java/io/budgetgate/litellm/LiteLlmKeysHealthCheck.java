package io.budgetgate.litellm;

import com.codahale.metrics.health.HealthCheck;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/** Unhealthy while a tenant's LiteLLM key is known to be missing: its calls are refused until it is re-provisioned. */
final class LiteLlmKeysHealthCheck extends HealthCheck {
  private static final int NAMED = 10;

  private final MissingKeys missing;

  LiteLlmKeysHealthCheck(MissingKeys missing) {
    this.missing = missing;
  }

  @Override
  protected Result check() {
    Map<String, Instant> now = missing.now();
    if (now.isEmpty()) {
      return Result.healthy("every tenant key this instance used exists in LiteLLM");
    }
    String named = now.keySet().stream().limit(NAMED).collect(Collectors.joining(", "));
    return Result.unhealthy("%d tenant(s) have no key in LiteLLM (%s%s): their calls are refused with "
        + "litellm_key_missing; re-provision each (ops-runbook/litellm-key-missing.md)",
        now.size(), named, now.size() > NAMED ? ", ..." : "");
  }
}
