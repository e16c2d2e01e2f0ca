package io.budgetgate.budget;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ListReadAgeCases} on the in-process cache. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ListReadAgeIT extends ListReadAgeCases {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  ListReadAgeIT() {
    super(APP, LITELLM, DB, "age-mem-");
  }
}
