package dev.kinga.keycloak.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape docs/architecture.md describes, checked on the compiled classes: no import circle
 * between packages or between classes, and in MFA the arrows point down (model, then the rules,
 * then the factors, then the flow), so others use only MFA's model and rules.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.kinga.keycloak";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void noClassDependsOnItselfThroughAnother() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                // A nested class is part of the class it is written in.
                return c.getPackageName().startsWith(ROOT) ? SliceIdentifier.of(c.getName().split("\\$")[0]) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "top-level classes";
            }
        }).should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void mfaArrowsPointDown() {
        String[] aboveTheRules = {ROOT + ".mfa.totp", ROOT + ".mfa.backup", ROOT + ".mfa.trust", ROOT + ".mfa.flow", ROOT + ".mfa.binding"};
        noClasses().that().resideInAPackage(ROOT + ".mfa.model").should().dependOnClassesThat().resideInAPackage(ROOT + ".mfa")
                .because("the model is MFA's floor").check(CLASSES);
        noClasses().that().resideInAPackage(ROOT + ".mfa.model").should().dependOnClassesThat().resideInAnyPackage(aboveTheRules)
                .because("the model is MFA's floor").check(CLASSES);
        noClasses().that().resideInAPackage(ROOT + ".mfa").should().dependOnClassesThat().resideInAnyPackage(aboveTheRules)
                .because("the rules stand below the factors and the flow").check(CLASSES);
        noClasses().that().resideOutsideOfPackage(ROOT + ".mfa..").should().dependOnClassesThat().resideInAnyPackage(aboveTheRules)
                .because("other capabilities use MFA's model and rules, never its providers").check(CLASSES);
    }
}
