package io.budgetgate;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure docs/architecture.md draws, checked on the compiled main classes (a fully
 * qualified reference counts as much as an import): features depend on each other in one
 * direction only, the budget rules depend on nothing of BudgetGate's but the platform, services
 * and jobs know nothing of HTTP, and a feature's DAOs are its own. The LiteLLM simulator is a module of its own
 * ({@code litellm-simulator}) whose pom names nothing of BudgetGate's: the compiler keeps it
 * independent.
 */
class ArchitectureTest {
  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS) // the service's own classes only
      .importPackages("io.budgetgate");

  /** The feature packages, each a slice {@code io.budgetgate.<feature>..}. */
  static final List<String> FEATURES = List.of("tenant", "budget", "alert", "webhook", "notify", "reset", "dashboard",
      "litellm", "audit");

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("io.budgetgate.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theBudgetRulesDependOnNoFeature() {
    noClasses().that().resideInAPackage("io.budgetgate.rules..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES.stream().map(f -> "io.budgetgate." + f + "..")
            .toArray(String[]::new))
        .because("the rules are pure code every feature uses (docs/architecture.md)")
        .check(MAIN);
  }

  @Test
  void servicesAndJobsKnowNothingOfHttp() {
    noClasses().that().haveSimpleNameEndingWith("Service").or().haveSimpleNameEndingWith("Job")
        .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "io.dropwizard.jersey..", "io.dropwizard.core..")
        .because("a service or job fails with a ServiceException of a kind; platform.http maps it to a status")
        .check(MAIN);
  }

  @Test
  void theWireStatusIsMadeAtTheEdgeOnly() {
    noClasses().that().doNotHaveSimpleName("BudgetResource").and().doNotHaveSimpleName("LlmAccessResource")
        .and().doNotHaveSimpleName("BudgetResetResource").and().resideOutsideOfPackage("io.budgetgate.budget.api..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.budgetgate.budget.api.BudgetStatus")
        .because("features pass BudgetStanding (enums inside); only the resources turn it into the wire record")
        .check(MAIN);
  }

  /** Each table and the features whose SQL may name it (migrations aside). */
  static final Map<String, Set<String>> OWNERS = Map.ofEntries(
      Map.entry("tenant_configs", Set.of("tenant", "budget")), // tenant: identity, contacts, key; budget: budget, period, key sync
      Map.entry("audit_log", Set.of("audit")),
      Map.entry("budget_overrides", Set.of("budget")),
      Map.entry("spend_samples", Set.of("budget")),
      Map.entry("budget_reservations", Set.of("budget")),
      Map.entry("budget_alert_history", Set.of("alert")),
      Map.entry("notification_outbox", Set.of("notify")),
      Map.entry("webhook_deliveries", Set.of("webhook")),
      Map.entry("budget_reset_notices", Set.of("reset")),
      Map.entry("dashboard_signouts", Set.of("dashboard")),
      Map.entry("job_leases", Set.of("platform")));

  /**
   * Where SQL names another feature's table on purpose, and why. The outbox claim joins the alert,
   * notice and tenant rows only for rows queued before {@code notification_outbox.message} existed.
   */
  static final Set<String> EXCEPTIONS = Set.of(
      "notify/OutboxDao.java tenant_configs", "notify/OutboxDao.java budget_alert_history",
      "notify/OutboxDao.java budget_reset_notices");

  @Test
  void eachTableIsNamedInTheSqlOfItsOwningFeatureOnly() throws IOException {
    Path main = Path.of("src/main/java/io/budgetgate");
    Pattern sql = Pattern.compile("(?i)\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(\\w+)");
    List<String> foreign = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String feature = main.relativize(file).getName(0).toString();
        Matcher m = sql.matcher(withoutComments(Files.readString(file)));
        while (m.find()) {
          Set<String> owners = OWNERS.get(m.group(1));
          String use = feature + "/" + file.getFileName() + " " + m.group(1);
          if (owners != null && !owners.contains(feature) && !EXCEPTIONS.contains(use)) {
            foreign.add(use + " (owned by " + owners + ")");
          }
        }
      }
    }
    assertThat(foreign).as("another feature goes through the owner's service").isEmpty();
  }

  private static String withoutComments(String java) {
    return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
  }

  @Test
  void aFeaturesDaosAreUsedByThatFeatureOnly() {
    for (String feature : FEATURES) {
      noClasses().that().resideOutsideOfPackage("io.budgetgate." + feature + "..")
          .should().dependOnClassesThat(resideInAPackage("io.budgetgate." + feature + "..").and(simpleNameEndingWith("Dao")))
          .because("another feature goes through " + feature + "'s service, not its SQL")
          .check(MAIN);
    }
  }
}
