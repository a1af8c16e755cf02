package dev.kinga.keycloak.roles;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleCatalogueParserTest {

    private static final String VALID = """
            version: 1
            realms: [kinga]
            clients:
              api:
                description: The API
                permissions:
                  "notes:read": Read notes
                  "notes:write": Write notes
            roles:
              assistant:
                description: Helps
                permissions:
                  api: ["notes:read"]
              therapist:
                includes: [assistant]
                permissions:
                  api: ["notes:write"]
            defaultRoles: [assistant]
            """;

    @Test
    void readsAValidCatalogue() {
        RoleCatalogue catalogue = parse(VALID);
        assertEquals(List.of("kinga"), catalogue.realms());
        assertEquals(List.of("assistant", "therapist"), List.copyOf(catalogue.roles().keySet()));
        assertEquals(List.of(RoleRef.realm("assistant"), RoleRef.client("api", "notes:write")),
                catalogue.compositesOf(catalogue.roles().get("therapist")));
        assertEquals(Map.of("notes:read", "Read notes", "notes:write", "Write notes"),
                catalogue.clients().get("api").permissions());
        assertEquals(List.of("assistant"), catalogue.defaultRoles());
        assertTrue(catalogue.governs("kinga"));
    }

    @Test
    void theShippedCatalogueIsValidAndHasTheRequiredHierarchy() {
        RoleCatalogue catalogue = RoleCatalogueParser.parse(Path.of("..", "realm-config", "roles.yaml"));
        for (String role : List.of("admin", "counselor", "user", "system", "administrator", "supervisor", "therapist",
                "assistant", "analyst", "researcher", "privacy-officer", "security-officer", "auditor")) {
            assertTrue(catalogue.roles().containsKey(role), role);
        }
        assertEquals(List.of("supervisor", "analyst"), catalogue.roles().get("administrator").includes());
        assertEquals(List.of("therapist"), catalogue.roles().get("supervisor").includes());
        assertEquals(List.of("assistant"), catalogue.roles().get("therapist").includes());
        assertEquals(List.of("researcher"), catalogue.roles().get("analyst").includes());
        assertTrue(catalogue.clients().get("kinga-api").permissions().keySet().containsAll(List.of(
                "conversations:read", "responses:write", "crisis:intervene", "own-data:read", "own-data:write",
                "own-data:delete", "metrics:read", "audit:read", "breach:manage", "dsr:manage")));
        assertEquals(List.of("user"), catalogue.defaultRoles());
    }

    @Test
    void namesTheUnknownIncludedRole() {
        InvalidCatalogueException e = invalid(VALID.replace("includes: [assistant]", "includes: [asistant]"));
        assertEquals(List.of("roles.therapist.includes[0]: unknown role 'asistant'"), e.problems());
        assertTrue(e.getMessage().startsWith("Invalid Kinga role catalogue test.yaml: "), e.getMessage());
    }

    @Test
    void namesTheUnknownPermissionAndClient() {
        assertEquals(List.of("roles.assistant.permissions.api[0]: unknown permission 'notes:delete' of client 'api'"),
                invalid(VALID.replace("api: [\"notes:read\"]", "api: [\"notes:delete\"]")).problems());
        assertEquals(List.of("roles.assistant.permissions.apx: unknown client 'apx' (declare it under 'clients')"),
                invalid(VALID.replace("api: [\"notes:read\"]", "apx: [\"notes:read\"]")).problems());
    }

    @Test
    void rejectsCycles() {
        String cyclic = VALID.replace("""
                  assistant:
                    description: Helps
                """, """
                  assistant:
                    description: Helps
                    includes: [therapist]
                """);
        List<String> problems = invalid(cyclic).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("cycle assistant -> therapist -> assistant"), problems.toString());
    }

    @Test
    void rejectsSelfInclusionAndDuplicates() {
        assertEquals(List.of("roles.therapist.includes[1]: a role cannot include itself"),
                invalid(VALID.replace("includes: [assistant]", "includes: [assistant, therapist]")).problems());
        assertEquals(List.of("roles.therapist.includes[1]: 'assistant' is listed twice"),
                invalid(VALID.replace("includes: [assistant]", "includes: [assistant, assistant]")).problems());
    }

    @Test
    void rejectsDuplicateKeysWithTheirLine() {
        String duplicated = VALID + "roles:\n  other: {}\n";
        InvalidCatalogueException e = invalid(duplicated);
        assertTrue(e.problems().get(0).contains("line 19"), e.problems().toString());
        assertTrue(e.problems().get(0).contains("Duplicate field 'roles'"), e.problems().toString());
    }

    @Test
    void rejectsBrokenYamlWithItsPosition() {
        InvalidCatalogueException e = invalid("realms: [kinga\nroles: {}\n");
        assertTrue(e.problems().get(0).startsWith("not valid YAML at line"), e.problems().toString());
    }

    @Test
    void rejectsUnknownKeysTyposAndWrongShapes() {
        assertEquals(List.of("defaultRole: unknown key (expected one of clients, defaultRoles, realms, roles, version)"),
                invalid(VALID.replace("defaultRoles:", "defaultRole:")).problems());
        assertEquals(List.of("roles.therapist.include: unknown key (expected one of description, includes, permissions)"),
                invalid(VALID.replace("includes: [assistant]", "include: [assistant]")).problems());
        assertEquals(List.of("realms: must be a list"), invalid(VALID.replace("realms: [kinga]", "realms: kinga")).problems());
        assertEquals(List.of("version: only version 1 is supported"),
                invalid(VALID.replace("version: 1", "version: 2")).problems());
    }

    @Test
    void requiresRealmsAndRoles() {
        assertEquals(List.of("realms: required (the realms this catalogue governs)", "roles: required (the realm roles to seed)"),
                invalid("version: 1\n").problems());
        assertEquals(List.of("file is empty"), invalid("").problems());
        assertEquals(List.of("realms: must name at least one realm"),
                invalid(VALID.replace("realms: [kinga]", "realms: []")).problems());
    }

    @Test
    void refusesRolesKeycloakManages() {
        List<String> problems = invalid(VALID.replace("  therapist:\n", "  offline_access: {}\n  therapist:\n")).problems();
        assertEquals(List.of("roles.offline_access: 'offline_access' is a role Keycloak manages itself"), problems);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String broken = VALID.replace("includes: [assistant]", "includes: [nobody]")
                .replace("defaultRoles: [assistant]", "defaultRoles: [ghost]");
        assertEquals(List.of("roles.therapist.includes[0]: unknown role 'nobody'", "defaultRoles[0]: unknown role 'ghost'"),
                invalid(broken).problems());
    }

    @Test
    void reportsAMissingFile() {
        InvalidCatalogueException e = assertThrows(InvalidCatalogueException.class,
                () -> RoleCatalogueParser.parse(Path.of("does-not-exist.yaml")));
        assertEquals(List.of("file not found"), e.problems());
    }

    private static RoleCatalogue parse(String yaml) {
        return RoleCatalogueParser.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static InvalidCatalogueException invalid(String yaml) {
        return assertThrows(InvalidCatalogueException.class, () -> parse(yaml));
    }
}
