package io.budgetgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * An IT class passes a second time in the same JVM, as PIT's mutation runs need: a minion runs a
 * class once unmutated and then once per mutant. Before {@link TestApps} emptied a reused app's
 * database, the second run failed on the first run's rows (409 on its tenants), so every mutant
 * counted as killed. One class on {@link TestApps#app} with fixed tenant names ({@code BudgetChangesIT}),
 * one on {@link NotifyingApp} with its own SMTP and Slack servers ({@code DedupClaimsIT}).
 */
class RerunInOneJvmIT {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"io.budgetgate.budget.BudgetChangesIT", "io.budgetgate.notify.DedupClaimsIT"})
  void aClassRunTwiceInOneJvmPassesBothTimes(String itClass) {
    TestExecutionSummary first = run(itClass);
    TestExecutionSummary second = run(itClass);

    assertThat(first.getTestsFoundCount()).isPositive();
    assertThat(first.getTotalFailureCount()).as("first run").isZero();
    assertThat(second.getTestsSucceededCount()).as("second run, failures: %s", second.getFailures().stream()
        .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException()).toList())
        .isEqualTo(first.getTestsSucceededCount());
    assertThat(second.getTotalFailureCount()).isZero();
  }

  private static TestExecutionSummary run(String itClass) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(itClass)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(request, summary);
    return summary.getSummary();
  }
}
