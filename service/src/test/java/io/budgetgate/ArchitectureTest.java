package io.budgetgate;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package structure docs/architecture.md draws, checked on the compiled main classes (a fully
 * qualified reference counts as much as an import): features depend on each other in one
 * direction only, the budget rules depend on nothing of BudgetGate's but the platform, services
 * and jobs know nothing of HTTP, and a feature's DAOs are its own. The LiteLLM simulator's independence has its own test
 * ({@code SimulatorIndependenceTest}).
 */
class ArchitectureTest {
  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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
  void aFeaturesDaosAreUsedByThatFeatureOnly() {
    for (String feature : FEATURES) {
      noClasses().that().resideOutsideOfPackage("io.budgetgate." + feature + "..")
          .should().dependOnClassesThat(resideInAPackage("io.budgetgate." + feature + "..").and(simpleNameEndingWith("Dao")))
          .because("another feature goes through " + feature + "'s service, not its SQL")
          .check(MAIN);
    }
  }
}
