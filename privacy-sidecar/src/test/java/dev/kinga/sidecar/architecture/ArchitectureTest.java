package dev.kinga.sidecar.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape docs/architecture.md describes, checked on the compiled classes: no import circle
 * between the sidecar's packages or between its classes.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.kinga.sidecar";
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
                // A nested class is part of the class it is written in; Quarkus' generated classes are not ours.
                return c.getPackageName().startsWith(ROOT) && !c.getName().contains("_")
                        ? SliceIdentifier.of(c.getName().split("\\$")[0]) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "top-level classes";
            }
        }).should().beFreeOfCycles().check(CLASSES);
    }
}
