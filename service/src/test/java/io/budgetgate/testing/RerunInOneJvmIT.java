package io.budgetgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
 *
 * <p>With {@code -Dbudgetgate.rerun=pom} (what {@code .ci/run} does before the IT mutation runs) it
 * checks every IT class the pom's PIT executions name instead, so a class added to a mutation run
 * cannot inflate its score by failing on its own second run.
 */
class RerunInOneJvmIT {
  private static final Pattern IT_PARAM = Pattern.compile("<param>(io\\.budgetgate\\.[\\w.]+IT)</param>");

  static Stream<String> itClasses() throws IOException {
    if (!"pom".equals(System.getProperty("budgetgate.rerun"))) {
      return Stream.of("io.budgetgate.budget.BudgetChangesIT", "io.budgetgate.notify.DedupClaimsIT");
    }
    List<String> named = pitTargetTests(Files.readString(Path.of("pom.xml")));
    assertThat(named).as("IT classes named by the pom's PIT executions").hasSizeGreaterThan(5);
    return named.stream();
  }

  /** The IT classes in the pom's {@code targetTests}, each once, in the order they first appear. */
  static List<String> pitTargetTests(String pom) {
    Matcher m = IT_PARAM.matcher(pom);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      if (!found.contains(m.group(1)) && !m.group(1).endsWith("RerunInOneJvmIT")) {
        found.add(m.group(1));
      }
    }
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("itClasses")
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
