package dev.kinga.keycloak.roles;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.PRIVACY_OFFICER;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.DemoUsers.USER;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Role seeding on a real Keycloak: the realm imported from realm-config carries the whole
 * catalogue, tokens carry it, and seeding is additive and reports drift.
 * Each test leaves the realm as it found it.
 */
@ExtendWith(KeycloakExtension.class)
class RoleSeedingIT {

    private static final String DRIFT = "/" + REALM + "/kinga-roles/drift";
    private static final String SEED = "/" + REALM + "/kinga-roles/seed";

    private final RoleCatalogue catalogue = RoleCatalogueParser.parse(KeycloakExtension.productionCatalogue());

    @Test
    void importedRealmHoldsTheWholeCatalogue(KeycloakClient kc) {
        String apiId = clientUuid(kc, REALM, "kinga-api");
        Set<String> permissions = names(kc.adminGet("/" + REALM + "/clients/" + apiId + "/roles"));
        assertTrue(permissions.containsAll(catalogue.clients().get("kinga-api").permissions().keySet()),
                "kinga-api permissions: " + permissions);

        for (RoleCatalogue.CatalogueRole role : catalogue.roles().values()) {
            JsonNode model = kc.adminGet("/" + REALM + "/roles/" + role.name());
            assertEquals(role.description(), model.path("description").asText(null), role.name());
            Set<RoleRef> composites = new HashSet<>();
            for (JsonNode c : kc.adminGet("/" + REALM + "/roles/" + role.name() + "/composites")) {
                composites.add(c.path("clientRole").asBoolean()
                        ? RoleRef.client(c.path("containerId").asText().equals(apiId) ? "kinga-api" : c.path("containerId").asText(),
                        c.path("name").asText())
                        : RoleRef.realm(c.path("name").asText()));
            }
            assertEquals(new HashSet<>(catalogue.compositesOf(role)), composites, "composites of " + role.name());
        }
        Set<String> defaults = names(kc.adminGet("/" + REALM + "/roles/default-roles-" + REALM + "/composites/realm"));
        assertTrue(defaults.contains("user"), "default roles: " + defaults);
    }

    @Test
    void hierarchyIsTheOneTheIssueAsksFor(KeycloakClient kc) {
        assertIncludes(kc, "administrator", "supervisor", "analyst");
        assertIncludes(kc, "supervisor", "therapist");
        assertIncludes(kc, "therapist", "assistant");
        assertIncludes(kc, "analyst", "researcher");
        for (String role : List.of("admin", "counselor", "user", "system", "privacy-officer", "security-officer", "auditor")) {
            expect(kc.admin("GET", "/" + REALM + "/roles/" + role, null), 200);
        }
    }

    @Test
    void tokensFromTheLoginPageCarryTheSeededRoles(KeycloakClient kc) {
        JsonNode therapist = accessToken(kc, THERAPIST);
        assertTrue(realmRoles(therapist).containsAll(Set.of("therapist", "assistant", "user")), therapist.toString());
        assertFalse(realmRoles(therapist).contains("supervisor"));
        assertTrue(permissions(therapist).containsAll(Set.of("responses:write", "conversations:read", "crisis:intervene",
                "own-data:read")), therapist.toString());
        assertFalse(permissions(therapist).contains("caseload:manage"));

        JsonNode officer = accessToken(kc, PRIVACY_OFFICER);
        assertTrue(permissions(officer).containsAll(Set.of("dsr:manage", "breach:manage", "audit:read")), officer.toString());
        assertFalse(permissions(officer).contains("clinical-notes:read"));

        JsonNode user = accessToken(kc, USER);
        assertEquals(Set.of("own-data:read", "own-data:write", "own-data:delete"), permissions(user));
        assertTrue(realmRoles(user).contains("user"));
    }

    @Test
    void seededRealmIsInSync(KeycloakClient kc) {
        JsonNode drift = kc.adminGet(DRIFT);
        assertTrue(drift.path("inSync").asBoolean(), drift.toString());
        assertEquals(0, drift.path("unmanagedRoles").size(), drift.toString());
        JsonNode seeded = json(expect(kc.admin("POST", SEED, null), 200));
        assertEquals(0, seeded.path("changes").size(), "seeding twice changes nothing: " + seeded);
    }

    @Test
    void adminAddedRoleSurvivesSeedingAndIsReportedAsUnmanaged(KeycloakClient kc) {
        String name = "it-custom-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", name)), 201);
        try {
            JsonNode seeded = json(expect(kc.admin("POST", SEED, null), 200));
            assertEquals(0, seeded.path("changes").size(), seeded.toString());
            expect(kc.admin("GET", "/" + REALM + "/roles/" + name, null), 200);
            JsonNode drift = kc.adminGet(DRIFT);
            assertTrue(drift.path("inSync").asBoolean(), "an extra role is not drift: " + drift);
            assertTrue(drift.path("unmanagedRoles").toString().contains(name), drift.toString());
        } finally {
            kc.admin("DELETE", "/" + REALM + "/roles/" + name, null);
        }
    }

    @Test
    void adminAddedCompositeIsDriftAndSeedingDoesNotStripIt(KeycloakClient kc) {
        JsonNode metrics = kc.adminGet("/" + REALM + "/clients/" + clientUuid(kc, REALM, "kinga-api") + "/roles/metrics:read");
        expect(kc.admin("POST", "/" + REALM + "/roles/user/composites", List.of(metrics)), 204);
        try {
            JsonNode drift = kc.adminGet(DRIFT);
            assertFalse(drift.path("inSync").asBoolean());
            assertEquals("[{\"role\":{\"role\":\"user\"},\"composite\":{\"client\":\"kinga-api\",\"role\":\"metrics:read\"}}]",
                    drift.path("unexpectedComposites").toString());

            JsonNode seeded = json(expect(kc.admin("POST", SEED, null), 200));
            assertEquals(0, seeded.path("changes").size(), seeded.toString());
            assertFalse(seeded.path("drift").path("inSync").asBoolean(), "seeding never strips what an admin added");
            Set<String> userComposites = names(kc.adminGet("/" + REALM + "/roles/user/composites"));
            assertTrue(userComposites.contains("metrics:read"), userComposites.toString());
        } finally {
            kc.admin("DELETE", "/" + REALM + "/roles/user/composites", List.of(metrics));
        }
        assertTrue(kc.adminGet(DRIFT).path("inSync").asBoolean());
    }

    @Test
    void removedCompositeIsDriftUntilSeedingRestoresIt(KeycloakClient kc) {
        JsonNode assistant = kc.adminGet("/" + REALM + "/roles/assistant");
        expect(kc.admin("DELETE", "/" + REALM + "/roles/therapist/composites", List.of(assistant)), 204);

        JsonNode drift = kc.adminGet(DRIFT);
        assertEquals("[{\"role\":{\"role\":\"therapist\"},\"composite\":{\"role\":\"assistant\"}}]",
                drift.path("missingComposites").toString());

        JsonNode seeded = json(expect(kc.admin("POST", SEED, null), 200));
        assertEquals("[\"added assistant to role therapist\"]", seeded.path("changes").toString());
        assertTrue(seeded.path("drift").path("inSync").asBoolean(), seeded.toString());
    }

    @Test
    void seedingOnDemandIsRecordedAsAnAdminEvent(KeycloakClient kc) {
        expect(kc.admin("POST", SEED, null), 200);
        JsonNode events = kc.adminGet("/" + REALM + "/admin-events?operationTypes=ACTION&resourceTypes=REALM_ROLE&max=20");
        assertTrue(events.toString().contains("kinga-roles/seed"), events.toString());
    }

    @Test
    void realmCreatedLaterIsSeededInTheSameTransaction(KeycloakClient kc) {
        String governed = KeycloakExtension.CREATED_REALM;
        String other = "kinga-not-governed";
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", governed, "enabled", true), kc.adminToken()), 201);
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", other, "enabled", true), kc.adminToken()), 201);
        try {
            Set<String> composites = names(kc.adminGet("/" + governed + "/roles/therapist/composites"));
            assertTrue(composites.containsAll(Set.of("assistant", "responses:write")), composites.toString());
            assertTrue(names(kc.adminGet("/" + governed + "/roles/default-roles-" + governed + "/composites/realm")).contains("user"));
            assertTrue(kc.adminGet("/" + governed + "/kinga-roles/drift").path("inSync").asBoolean());

            assertEquals(404, kc.admin("GET", "/" + other + "/roles/therapist", null).statusCode(),
                    "a realm the catalogue does not name is left alone");
            HttpResponse<String> notManaged = kc.admin("GET", "/" + other + "/kinga-roles/drift", null);
            assertEquals(404, notManaged.statusCode());
            assertEquals("realm_not_managed", json(notManaged).path("error").asText());
        } finally {
            kc.admin("DELETE", "/" + governed, null);
            kc.admin("DELETE", "/" + other, null);
        }
    }

    @Test
    void driftAndSeedRequireAnAdmin(KeycloakClient kc) {
        String url = kc.baseUrl() + "/admin/realms" + DRIFT;
        assertEquals(401, kc.send("GET", url, null, null).statusCode());
        assertEquals(401, kc.send("GET", url, null, "not-a-token").statusCode());
        String therapistToken = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, THERAPIST, PASSWORD)
                .path("access_token").asText();
        assertEquals(403, kc.send("GET", url, null, therapistToken).statusCode());
        assertEquals(403, kc.send("POST", kc.baseUrl() + "/admin/realms" + SEED, null, therapistToken).statusCode());
    }

    private static void assertIncludes(KeycloakClient kc, String role, String... children) {
        Set<String> composites = names(kc.adminGet("/" + REALM + "/roles/" + role + "/composites/realm"));
        assertTrue(composites.containsAll(List.of(children)), role + " includes " + composites);
    }

    private static JsonNode accessToken(KeycloakClient kc, String username) {
        JsonNode tokens = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, PASSWORD);
        return KeycloakClient.claims(tokens.path("access_token").asText());
    }

    private static Set<String> realmRoles(JsonNode claims) {
        return texts(claims.path("realm_access").path("roles"));
    }

    private static Set<String> permissions(JsonNode claims) {
        return texts(claims.path("resource_access").path("kinga-api").path("roles"));
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Set<String> names(JsonNode roles) {
        Set<String> values = new HashSet<>();
        roles.forEach(r -> values.add(r.path("name").asText()));
        return values;
    }

    static String clientUuid(KeycloakClient kc, String realm, String clientId) {
        JsonNode found = kc.adminGet("/" + realm + "/clients?clientId=" + clientId);
        assertEquals(1, found.size(), "client " + clientId);
        return found.get(0).path("id").asText();
    }
}
