package dev.kinga.keycloak.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The privacy endpoint on a real Keycloak, called as the privacy sidecar calls it (its service
 * account): export holds everything about one person and nothing secret or of anyone else; a
 * hold disables the account and gives it back as it was; erasure removes the person and leaves
 * an audit trail that still verifies but no longer names them.
 */
@ExtendWith(KeycloakExtension.class)
class PrivacyIT {

    private static final String PRIVACY = "/admin/realms/" + REALM + "/kinga-privacy/users/";

    @Test
    void exportHoldsEverythingAboutThePersonAndNothingSecret(KeycloakClient kc) {
        Person person = Person.create(kc);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD);
        assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, "Not-The-Password-1!"));
        String other = kc.createUser(REALM, "it-privacy-other-" + UUID.randomUUID().toString().substring(0, 8), PASSWORD);

        HttpResponse<String> response = kc.send("GET", kc.baseUrl() + PRIVACY + person.id + "/export", null, sidecarToken(kc));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
        JsonNode export = json(response);
        assertEquals("kinga.keycloak-user-export/1", export.path("schema").asText());
        assertEquals(person.id, export.path("profile").path("id").asText());
        assertEquals(person.username, export.path("profile").path("username").asText());
        assertEquals(person.email(), export.path("profile").path("email").asText());
        assertTrue(contains(export.path("realmRoles"), "user"), export.path("realmRoles").toString());
        assertTrue(contains(export.path("groups"), "/it-privacy-group-" + person.run), export.path("groups").toString());

        JsonNode password = find(export.path("credentials"), "type", "password");
        assertTrue(password.has("createdAt"));
        assertFalse(export.toString().contains("secretData"), "no credential secret in the export");
        assertFalse(export.toString().contains("\"value\""), "no credential value in the export");
        assertFalse(export.toString().contains("hashIterations"), "no hash parameters in the export");
        assertFalse(export.toString().contains(PASSWORD));

        assertFalse(export.path("sessions").isEmpty(), "the browser login left a session");
        assertTrue(contains(export.path("sessions").get(0).path("clients"), SPA_CLIENT));
        assertNotEquals(null, find(export.path("events"), "type", "LOGIN"), "Keycloak's stored LOGIN event");
        assertNotEquals(null, find(export.path("events"), "type", "LOGIN_ERROR"), "and the failed one");
        JsonNode auditLogin = find(export.path("auditRecords"), "type", "LOGIN");
        assertEquals(person.id, auditLogin.path("subject").asText());
        assertEquals(person.username, auditLogin.path("details").path("username").asText(), "personal part shown while kept");
        assertFalse(auditLogin.path("actor").path("ip").isNull(), "the person's address is theirs to see");

        assertFalse(export.toString().contains(other), "nothing of another user");
        kc.admin("DELETE", "/" + REALM + "/users/" + other, null);
        kc.admin("DELETE", "/" + REALM + "/users/" + person.id, null);
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void holdDisablesTheAccountAndReleaseGivesBackWhatWasThere(KeycloakClient kc) {
        Person person = Person.create(kc);
        String token = sidecarToken(kc);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD);
        assertEquals(404, kc.send("GET", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token).statusCode());

        JsonNode hold = json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token), 200));
        assertTrue(hold.path("created").asBoolean());
        assertTrue(hold.path("wasEnabled").asBoolean());
        assertFalse(kc.adminGet("/" + REALM + "/users/" + person.id).path("enabled").asBoolean());
        assertEquals(0, kc.adminGet("/" + REALM + "/users/" + person.id + "/sessions").size(), "signed out everywhere");
        assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD));
        JsonNode again = json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token), 200));
        assertFalse(again.path("created").asBoolean(), "a second hold keeps the first state");
        assertTrue(again.path("wasEnabled").asBoolean());

        expect(kc.send("DELETE", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token), 200);
        assertTrue(kc.adminGet("/" + REALM + "/users/" + person.id).path("enabled").asBoolean());
        assertTrue(kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD).has("access_token"));
        assertEquals(404, kc.send("DELETE", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token).statusCode());

        // An account an admin had disabled stays disabled when the erasure is cancelled.
        expect(kc.admin("PUT", "/" + REALM + "/users/" + person.id, Map.of("enabled", false)), 204);
        assertFalse(json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token), 200))
                .path("wasEnabled").asBoolean());
        expect(kc.send("DELETE", kc.baseUrl() + PRIVACY + person.id + "/hold", null, token), 200);
        assertFalse(kc.adminGet("/" + REALM + "/users/" + person.id).path("enabled").asBoolean());

        JsonNode trail = kc.adminGet("/" + REALM + "/kinga-audit/records?user=" + person.id + "&type=ADMIN_ACTION_USER&max=10");
        assertTrue(trail.toString().contains("kinga-privacy-erasure-hold-placed"), trail.toString());
        assertTrue(trail.toString().contains("kinga-privacy-erasure-hold-released"));
        kc.admin("DELETE", "/" + REALM + "/users/" + person.id, null);
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void erasureRemovesThePersonAndTheTrailStillVerifiesWithoutThem(KeycloakServer server, KeycloakClient kc) throws Exception {
        // Tried to sign in before the account existed: recorded under the pseudonym of what was typed.
        Person person = Person.create(kc, username -> assertThrows(AssertionError.class,
                () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, "Not-Yet-Registered-1!")));
        String token = sidecarToken(kc);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD);
        assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, "Not-The-Password-1!"));
        expect(kc.admin("PUT", "/" + REALM + "/users/" + person.id, Map.of("firstName", "Zawadi", "email", person.email())), 204);
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        try (Connection db = server.openDatabase()) {
            assertTrue(count(db, "SELECT COUNT(*) FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND PERSONAL LIKE ?",
                    realmId, "%" + person.username + "%") > 0, "the trail names the person before erasure");
        }

        JsonNode receipt = json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/erase", null, token), 200));
        assertEquals(person.id, receipt.path("userId").asText());
        assertEquals(1, receipt.path("keycloak").path("user").asInt());
        assertTrue(receipt.path("keycloak").path("sessions").asInt() >= 1, receipt.toString());
        assertTrue(receipt.path("keycloak").path("events").asInt() >= 2, "LOGIN and LOGIN_ERROR: " + receipt);
        assertTrue(receipt.path("audit").path("personalPartsErased").asInt() >= 3, receipt.toString());
        assertEquals(0, receipt.path("audit").path("legacyRecordsKept").asInt());
        assertTrue(receipt.has("erasedAt"));

        assertEquals(404, kc.admin("GET", "/" + REALM + "/users/" + person.id, null).statusCode(), "gone from Keycloak");
        JsonNode twice = json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/erase", null, token), 200));
        assertTrue(twice.path("userAlreadyGone").asBoolean(), "a retried erasure completes: " + twice);
        assertEquals(0, twice.path("keycloak").path("events").asInt());
        assertTrue(twice.path("audit").path("personalPartsErased").asInt() <= 1,
                "nothing left but the first erasure's own record (the sidecar's address): " + twice);

        JsonNode verified = kc.adminGet("/" + REALM + "/kinga-audit/verify");
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("erasedRecords").asLong() >= 3, verified.toString());

        JsonNode records = kc.adminGet("/" + REALM + "/kinga-audit/records?user=" + person.id + "&max=100");
        assertTrue(records.size() >= 4, records.toString());
        String text = records.toString();
        assertFalse(text.contains(person.username), "no username left: " + text);
        assertFalse(text.contains(person.email()), "no e-mail left");
        assertFalse(text.contains("Zawadi"), "no name left");
        for (JsonNode r : records) {
            boolean erasure = "ADMIN_DELETE_USER".equals(r.path("type").asText());
            if (!erasure) { // the erasure's own record holds only the address of the sidecar that asked
                assertTrue(r.path("actor").path("ip").isNull(), "no address: " + r);
                assertTrue(r.path("personalErased").asBoolean(), r.toString());
            }
        }
        assertTrue(text.contains("kinga-privacy-erase"), "the erasure itself is recorded");

        try (Connection db = server.openDatabase()) {
            for (String table : List.of("KINGA_AUDIT_RECORD", "KINGA_AUDIT_OUTBOX", "EVENT_ENTITY", "ADMIN_EVENT_ENTITY", "USER_ENTITY")) {
                assertEquals(0, countMentions(db, table, person.username), table + " still names the person: "
                        + rowsMentioning(db, table, person.username));
                assertEquals(0, countMentions(db, table, person.email()), table + " still holds the e-mail");
            }
            assertEquals(0, count(db, "SELECT COUNT(*) FROM EVENT_ENTITY WHERE USER_ID = ?", person.id));
        }
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void anErasureNeverSealsAnOutboxRowKeycloakDidNotQueue(KeycloakServer server, KeycloakClient kc) throws Exception {
        // The second attacker's review: an erasure rebuilt the payloads of every waiting delivery about the person
        // and sealed them, forged rows (set aside as dead letters) included; resent, they reached the intake signed.
        Person person = Person.create(kc);
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        String forgedRow = UUID.randomUUID().toString();
        String forgedPayload = "{\"type\":\"SECURITY_ALERT\",\"forged\":true}";
        try (Connection db = server.openDatabase()) {
            String recordId;
            long seq;
            try (var st = db.prepareStatement("SELECT ID, SEQ FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SUBJECT = ? ORDER BY SEQ")) {
                st.setString(1, realmId);
                st.setString(2, person.id);
                try (var rs = st.executeQuery()) {
                    assertTrue(rs.next(), "a record about the person");
                    recordId = rs.getString(1);
                    seq = rs.getLong(2);
                }
            }
            try (var st = db.prepareStatement("INSERT INTO KINGA_AUDIT_OUTBOX (ID, RECORD_ID, REALM_ID, SEQ, SINK, PAYLOAD, CREATED_AT,"
                    + " ATTEMPTS, NEXT_ATTEMPT_AT) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setString(1, forgedRow);
                st.setString(2, recordId);
                st.setString(3, realmId);
                st.setLong(4, seq);
                st.setString(5, "http://localhost:9/api/v1/audit/events");
                st.setString(6, forgedPayload);
                st.setLong(7, System.currentTimeMillis());
                st.setInt(8, 5);
                st.setLong(9, Long.MAX_VALUE); // set aside already, as the forwarder does with an unsealed row
                assertEquals(1, st.executeUpdate());
            }
        }
        expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/erase", null, sidecarToken(kc)), 200);
        try (Connection db = server.openDatabase();
             var st = db.prepareStatement("SELECT PAYLOAD, PAYLOAD_MAC FROM KINGA_AUDIT_OUTBOX WHERE ID = ?")) {
            st.setString(1, forgedRow);
            try (var rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(forgedPayload, rs.getString(1), "not rewritten");
                assertNull(rs.getString(2), "not sealed");
            }
            try (var delete = db.prepareStatement("DELETE FROM KINGA_AUDIT_OUTBOX WHERE ID = ?")) {
                delete.setString(1, forgedRow);
                delete.executeUpdate();
            }
        }
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void serviceAccountsAndAdministratorsAreNotErasedHere(KeycloakClient kc) {
        String token = sidecarToken(kc);
        String client = "it-privacy-svc-" + UUID.randomUUID().toString().substring(0, 8);
        serviceAccountToken(kc, client, List.of());
        String uuid = kc.adminGet("/" + REALM + "/clients?clientId=" + client).get(0).path("id").asText();
        String account = kc.adminGet("/" + REALM + "/clients/" + uuid + "/service-account-user").path("id").asText();
        HttpResponse<String> svc = kc.send("POST", kc.baseUrl() + PRIVACY + account + "/erase", null, token);
        assertEquals(409, svc.statusCode(), svc.body());
        assertEquals("service_account", json(svc).path("error").asText());

        Person admin = Person.create(kc);
        JsonNode role = kc.adminGet("/" + REALM + "/roles/administrator");
        expect(kc.admin("POST", "/" + REALM + "/users/" + admin.id + "/role-mappings/realm", List.of(role)), 204);
        for (String action : List.of("/erase", "/hold")) {
            HttpResponse<String> refused = kc.send("POST", kc.baseUrl() + PRIVACY + admin.id + action, null, token);
            assertEquals(409, refused.statusCode(), action + ": " + refused.body());
            assertEquals("privileged_account", json(refused).path("error").asText());
        }
        assertTrue(kc.adminGet("/" + REALM + "/users/" + admin.id).path("enabled").asBoolean(), "untouched");
        expect(kc.admin("DELETE", "/" + REALM + "/users/" + admin.id + "/role-mappings/realm", List.of(role)), 204);
        assertEquals(200, kc.send("POST", kc.baseUrl() + PRIVACY + admin.id + "/erase", null, token).statusCode(),
                "once the roles are taken away");
        kc.admin("DELETE", "/" + REALM + "/clients/" + uuid, null);
        kc.admin("DELETE", "/" + REALM + "/groups/" + admin.groupId, null);
    }

    @Test
    void aUserDeletedElsewhereStillHasTheRestErased(KeycloakServer server, KeycloakClient kc) throws Exception {
        Person person = Person.create(kc);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, person.username, PASSWORD);
        expect(kc.admin("DELETE", "/" + REALM + "/users/" + person.id, null), 204); // an admin deleted them during the grace period
        try (Connection db = server.openDatabase()) {
            assertTrue(count(db, "SELECT COUNT(*) FROM EVENT_ENTITY WHERE USER_ID = ?", person.id) > 0, "Keycloak keeps their events");
        }
        JsonNode receipt = json(expect(kc.send("POST", kc.baseUrl() + PRIVACY + person.id + "/erase", null, sidecarToken(kc)), 200));
        assertTrue(receipt.path("userAlreadyGone").asBoolean(), receipt.toString());
        assertEquals(0, receipt.path("keycloak").path("user").asInt());
        assertTrue(receipt.path("keycloak").path("events").asInt() > 0, receipt.toString());
        assertTrue(receipt.path("audit").path("personalPartsErased").asInt() > 0, receipt.toString());
        try (Connection db = server.openDatabase()) {
            assertEquals(0, count(db, "SELECT COUNT(*) FROM EVENT_ENTITY WHERE USER_ID = ?", person.id));
            assertEquals(0, countMentions(db, "KINGA_AUDIT_RECORD", person.username), rowsMentioning(db, "KINGA_AUDIT_RECORD", person.username).toString());
        }
        assertTrue(kc.adminGet("/" + REALM + "/kinga-audit/verify").path("valid").asBoolean());
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void leastPrivilegeAndBadInput(KeycloakClient kc) {
        Person person = Person.create(kc);
        String viewer = serviceAccountToken(kc, "it-privacy-viewer-" + person.run, List.of("view-users", "query-users"));
        String nobody = serviceAccountToken(kc, "it-privacy-nobody-" + person.run, List.of());
        String base = kc.baseUrl() + PRIVACY + person.id;

        assertEquals(401, kc.send("GET", base + "/export", null, null).statusCode());
        assertEquals(403, kc.send("GET", base + "/export", null, nobody).statusCode());
        assertEquals(403, kc.send("POST", base + "/erase", null, nobody).statusCode());
        assertEquals(403, kc.send("GET", kc.baseUrl() + PRIVACY + UUID.randomUUID() + "/export", null, nobody).statusCode(),
                "no way to learn whether an id exists without query rights");
        String therapist = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, THERAPIST, PASSWORD).path("access_token").asText();
        assertEquals(403, kc.send("GET", base + "/export", null, therapist).statusCode());

        assertEquals(200, kc.send("GET", base + "/export", null, viewer).statusCode(), "view-users may export");
        assertEquals(403, kc.send("POST", base + "/erase", null, viewer).statusCode(), "but not erase");
        assertEquals(403, kc.send("POST", base + "/hold", null, viewer).statusCode(), "nor hold");
        assertEquals(403, kc.send("DELETE", base + "/hold", null, viewer).statusCode());
        assertTrue(kc.adminGet("/" + REALM + "/users/" + person.id).path("enabled").asBoolean(), "still there, still enabled");

        for (String id : List.of(UUID.randomUUID().toString(), "not%20an%20id", "x".repeat(300))) {
            HttpResponse<String> unknown = kc.send("GET", kc.baseUrl() + PRIVACY + id + "/export", null, viewer);
            assertEquals(404, unknown.statusCode(), id);
            assertEquals("user_not_found", json(unknown).path("error").asText());
        }
        kc.admin("DELETE", "/" + REALM + "/users/" + person.id, null);
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    @Test
    void theSidecarsOwnAccountReachesPeopleOnlyThroughThePrivacyEndpoint(KeycloakClient kc) {
        // Issue 29, finding 2: its secret used to open manage-users (reset a privacy officer's password, remove their factors).
        Person person = Person.create(kc);
        String token = sidecarToken(kc);
        JsonNode found = json(expect(kc.send("GET", kc.baseUrl() + PRIVACY + person.id, null, token), 200));
        assertEquals(person.username, found.path("username").asText());
        assertEquals(person.email(), found.path("email").asText());
        assertTrue(found.path("enabled").asBoolean());
        JsonNode byName = json(expect(kc.send("GET", kc.baseUrl() + PRIVACY.replaceAll("/$", "") + "?username="
                + person.username.toUpperCase(java.util.Locale.ROOT), null, token), 200));
        assertEquals(person.id, byName.path(0).path("id").asText(), "usernames as Keycloak stores them: lower-cased");
        assertEquals(0, json(expect(kc.send("GET", kc.baseUrl() + PRIVACY.replaceAll("/$", "") + "?username=no-such-" + person.run,
                null, token), 200)).size());

        String users = kc.baseUrl() + "/admin/realms/" + REALM + "/users/" + person.id;
        assertEquals(403, kc.send("GET", users, null, token).statusCode(), "no admin API");
        // And no secret to read: the client signs in with its own key (private_key_jwt).
        JsonNode client = kc.adminGet("/" + REALM + "/clients?clientId=kinga-sidecar").get(0);
        assertEquals("client-jwt", client.path("clientAuthenticatorType").asText());
        HttpResponse<String> secretAnswer = kc.admin("GET", "/" + REALM + "/clients/" + client.path("id").asText() + "/client-secret", null);
        String secret = secretAnswer.statusCode() == 200 ? json(secretAnswer).path("value").asText("none") : "none";
        HttpResponse<String> bySecret = kc.postForm(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", "kinga-sidecar", "client_secret", secret), null);
        assertTrue(bySecret.statusCode() == 400 || bySecret.statusCode() == 401, "a secret read through the admin API signs nobody in: "
                + bySecret.body());
        assertEquals("invalid_client", json(bySecret).path("error").asText());
        assertEquals(403, kc.send("PUT", users + "/reset-password", Map.of("type", "password", "value", "Taken-Over-1!x",
                "temporary", false), token).statusCode());
        assertEquals(403, kc.send("GET", users + "/credentials", null, token).statusCode());
        assertEquals(403, kc.send("PUT", users, Map.of("email", "attacker@example.test"), token).statusCode());
        assertEquals(person.email(), kc.adminGet("/" + REALM + "/users/" + person.id).path("email").asText(), "untouched");
        kc.admin("DELETE", "/" + REALM + "/users/" + person.id, null);
        kc.admin("DELETE", "/" + REALM + "/groups/" + person.groupId, null);
    }

    /** A fresh person with a realm role and a group of their own. */
    private record Person(String id, String username, String run, String groupId) {
        static Person create(KeycloakClient kc) {
            return create(kc, username -> { });
        }

        /** @param beforeCreate what happens under the username before the account exists */
        static Person create(KeycloakClient kc, java.util.function.Consumer<String> beforeCreate) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            String username = "it-privacy-" + run;
            beforeCreate.accept(username);
            String id = kc.createUser(REALM, username, PASSWORD);
            HttpResponse<String> group = expect(kc.admin("POST", "/" + REALM + "/groups", Map.of("name", "it-privacy-group-" + run)), 201);
            String location = group.headers().firstValue("Location").orElseThrow();
            String groupId = location.substring(location.lastIndexOf('/') + 1);
            expect(kc.admin("PUT", "/" + REALM + "/users/" + id + "/groups/" + groupId, null), 204);
            JsonNode role = kc.adminGet("/" + REALM + "/roles/user");
            expect(kc.admin("POST", "/" + REALM + "/users/" + id + "/role-mappings/realm", List.of(role)), 204);
            return new Person(id, username, run, groupId);
        }

        String email() {
            return username + "@it.kinga.invalid";
        }
    }

    /** A token of the sidecar's own account, signed in with its key as the sidecar does. */
    private static String sidecarToken(KeycloakClient kc) {
        return dev.kinga.keycloak.testing.SidecarClientKey.token(kc);
    }

    /** A confidential client whose service account holds exactly these realm-management roles. */
    private static String serviceAccountToken(KeycloakClient kc, String clientId, List<String> managementRoles) {
        expect(kc.admin("POST", "/" + REALM + "/clients", Map.of("clientId", clientId, "publicClient", false,
                "serviceAccountsEnabled", true, "standardFlowEnabled", false, "secret", "it-secret-" + clientId)), 201);
        String uuid = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        String account = kc.adminGet("/" + REALM + "/clients/" + uuid + "/service-account-user").path("id").asText();
        if (!managementRoles.isEmpty()) {
            String management = kc.adminGet("/" + REALM + "/clients?clientId=realm-management").get(0).path("id").asText();
            List<JsonNode> roles = managementRoles.stream()
                    .map(name -> kc.adminGet("/" + REALM + "/clients/" + management + "/roles/" + name)).toList();
            expect(kc.admin("POST", "/" + REALM + "/users/" + account + "/role-mappings/clients/" + management, roles), 204);
        }
        return clientCredentials(kc, clientId, "it-secret-" + clientId);
    }

    private static String clientCredentials(KeycloakClient kc, String clientId, String secret) {
        HttpResponse<String> token = kc.postForm(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret), null);
        return json(expect(token, 200)).path("access_token").asText();
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        return null;
    }

    private static long countMentions(Connection db, String table, String text) throws Exception {
        String columns = switch (table) {
            case "KINGA_AUDIT_RECORD" -> "CONCAT(COALESCE(DETAILS, ''), COALESCE(PERSONAL, ''))";
            case "KINGA_AUDIT_OUTBOX" -> "PAYLOAD";
            case "EVENT_ENTITY" -> "COALESCE(DETAILS_JSON, '')";
            case "ADMIN_EVENT_ENTITY" -> "CONCAT(COALESCE(REPRESENTATION, ''), COALESCE(DETAILS_JSON, ''))";
            default -> "CONCAT(COALESCE(USERNAME, ''), COALESCE(EMAIL, ''))";
        };
        return count(db, "SELECT COUNT(*) FROM " + table + " WHERE " + columns + " LIKE ?", "%" + text + "%");
    }

    private static List<String> rowsMentioning(Connection db, String table, String text) throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        try (PreparedStatement st = db.prepareStatement("SELECT * FROM " + table)) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                    }
                    if (row.indexOf(text) >= 0) {
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }

    private static long count(Connection db, String sql, Object... args) throws Exception {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }
}
