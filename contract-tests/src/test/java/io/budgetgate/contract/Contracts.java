package io.budgetgate.contract;

/** Names shared by the consumer and provider sides of the contracts: parties, states, fixed values. */
final class Contracts {
  static final String BUDGETGATE = "budgetgate";
  static final String LITELLM = "litellm";
  static final String BUDGETGATE_WEBHOOKS = "budgetgate-webhooks";
  static final String BUDGETGATE_API = "budgetgate-api";
  static final String AGENT_PLATFORM = "agent-platform";

  static final String JSON_TYPE = "application/json(;.*)?";
  static final String MASTER_KEY = "sk-test-master";
  static final String ACME_KEY = "sk-acme-test-key";

  static final String NO_KEY_FOR_ACME = "no key for tenant acme exists";
  static final String ACME_AT_85 = "key for tenant acme exists with spend 85.00";
  static final String ACME_OVER = "key for tenant acme exists with spend above its max_budget";

  static final String TENANT_ACME = "tenant acme exists with a budget of 100.00";
  static final String ACME_SPEND_50 = "tenant acme has spent 50.00 of 100.00";
  static final String ACME_SPEND_105 = "tenant acme has spent 105.00 of 100.00 (grace band)";
  static final String ACME_HOLDS_042 = "tenant acme has spent 50.00 of 100.00 and holds a reservation of 0.42";
  static final String ACME_SPEND_115 = "tenant acme has spent 115.00 of 100.00 with a 30d period";

  private Contracts() {}
}
