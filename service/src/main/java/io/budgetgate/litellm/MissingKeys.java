package io.budgetgate.litellm;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants whose LiteLLM key LiteLLM said does not exist, as this instance last saw them: a
 * tenant leaves the list when a later call with its key succeeds. Feeds the {@code litellm-keys}
 * health check, the gauge {@code litellm.keys.missing} and the counter {@code litellm.key_missing}.
 * The reconciler reads every tenant each round, so the instance running it sees them all.
 */
public final class MissingKeys {
  private final ConcurrentHashMap<String, Instant> tenants = new ConcurrentHashMap<>();
  private final Counter seen;

  public MissingKeys(MetricRegistry metrics) {
    this.seen = metrics.counter("litellm.key_missing");
    metrics.gauge("litellm.keys.missing", () -> tenants::size);
  }

  /** LiteLLM answered that this tenant's key does not exist. */
  public void missing(String tenantId, Instant at) {
    seen.inc();
    tenants.put(tenantId, at);
  }

  /** A call with this tenant's key succeeded. */
  public void present(String tenantId) {
    if (!tenants.isEmpty()) {
      tenants.remove(tenantId);
    }
  }

  /** Tenant id to when its key was last found missing, sorted by tenant id. */
  public Map<String, Instant> now() {
    return new TreeMap<>(tenants);
  }
}
