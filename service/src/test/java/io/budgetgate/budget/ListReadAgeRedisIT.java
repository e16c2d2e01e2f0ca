package io.budgetgate.budget;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ListReadAgeCases} on Redis (the CI server, else an embedded one): the newer spend is found with one MGET. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ListReadAgeRedisIT extends ListReadAgeCases {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM,
      ConfigOverride.config("redis.url", TestRedis.url()));

  /** A run of its own: a shared Redis may still hold this class's keys from a run a minute ago. */
  private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  ListReadAgeRedisIT() {
    super(APP, LITELLM, DB, "age-" + RUN + "-");
  }
}
