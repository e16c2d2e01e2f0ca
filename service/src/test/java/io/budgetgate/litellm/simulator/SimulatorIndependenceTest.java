package io.budgetgate.litellm.simulator;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The LiteLLM simulator stands in for LiteLLM, so it must not share a line of BudgetGate's code: a
 * BudgetGate bug (a calendar rule, a parser's leniency) copied into it would pass every test that
 * relies on it. Checked on the compiled classes, so a fully qualified reference counts as well.
 */
class SimulatorIndependenceTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.budgetgate");

  @Test
  void theSimulatorDependsOnNothingOfBudgetGatesButItself() {
    classes().that().resideInAPackage("io.budgetgate.litellm.simulator..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.budgetgate..")
            .or(resideInAPackage("io.budgetgate.litellm.simulator..")))
        .check(MAIN);
  }
}
