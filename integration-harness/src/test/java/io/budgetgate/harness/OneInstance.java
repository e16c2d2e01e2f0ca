package io.budgetgate.harness;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.Webhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Scenarios that share one harness and one BudgetGate process for the whole class. */
abstract class OneInstance {
  static Harness harness;
  static ServiceProcess budgetgate;
  static ApiClient api;
  static Webhooks webhooks;

  @BeforeAll
  static void start() throws Exception {
    harness = new Harness();
    budgetgate = harness.start();
    api = budgetgate.api();
    webhooks = new Webhooks(budgetgate.baseUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    budgetgate.close();
    harness.close();
  }
}
