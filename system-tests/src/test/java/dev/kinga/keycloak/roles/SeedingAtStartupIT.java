package dev.kinga.keycloak.roles;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeding at server start, on the shared server restarted in place (same database). */
@ExtendWith(KeycloakExtension.class)
class SeedingAtStartupIT {

    @Test
    void restartSeedsNothingNewAndKeepsWhatAnAdminAdded(KeycloakServer server, KeycloakClient kc) throws Exception {
        String custom = "it-restart-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", custom)), 201);
        int rolesBefore = kc.adminGet("/" + REALM + "/roles").size();
        try {
            server.restart();

            String log = server.log();
            assertTrue(log.contains("Kinga role catalogue: realm 'kinga' is up to date (0 changes)"), log);
            assertEquals(rolesBefore, kc.adminGet("/" + REALM + "/roles").size());
            expect(kc.admin("GET", "/" + REALM + "/roles/" + custom, null), 200);
        } finally {
            kc.admin("DELETE", "/" + REALM + "/roles/" + custom, null);
        }
    }

    @Test
    void startupRestoresWhatTheCatalogueDefinesAndTheRealmLost(KeycloakServer server, KeycloakClient kc) throws Exception {
        String apiId = RoleSeedingIT.clientUuid(kc, REALM, "kinga-api");
        expect(kc.admin("DELETE", "/" + REALM + "/clients/" + apiId + "/roles/consent:manage", null), 204);
        assertTrue(kc.adminGet("/" + REALM + "/kinga-roles/drift").path("missingRoles").toString().contains("consent:manage"));

        server.restart();

        String log = server.log();
        assertTrue(log.contains("created permission kinga-api/consent:manage"), log);
        assertTrue(log.contains("added kinga-api/consent:manage to role privacy-officer"), log);
        JsonNode drift = kc.adminGet("/" + REALM + "/kinga-roles/drift");
        assertTrue(drift.path("inSync").asBoolean(), drift.toString());
    }
}
