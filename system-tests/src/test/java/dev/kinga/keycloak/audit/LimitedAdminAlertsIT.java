package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 29's insider: a realm admin holding one realm-management permission. What
 * {@code manage-clients} can do to reach personal data (a client with the sidecar's audience,
 * Kinga permissions and forged sign-in claims; a client bound to an MFA-free flow; a change to a
 * client Kinga depends on) and what {@code manage-users} can do to a privileged account (reset its
 * password, remove its factors) each raise a security alert in the trail; switching the realm's
 * events off is a warning and an alert.
 */
@ExtendWith(KeycloakExtension.class)
class LimitedAdminAlertsIT {

    private static final String AUDIT = "/" + REALM + "/kinga-audit";

    @Test
    void aClientAdminsWaysToKingaPermissionsAndMfaFreeFlowsRaiseAlerts(KeycloakClient kc) {
        String admin = limitedAdmin(kc, "manage-clients");
        String clientId = "it-forged-" + UUID.randomUUID().toString().substring(0, 8);
        String api = kc.baseUrl() + "/admin/realms/" + REALM;
        // The review's client: audience kinga-sidecar, hardcoded kinga-api permissions, forged amr.
        expect(kc.send("POST", api + "/clients", Map.of("clientId", clientId, "publicClient", false, "serviceAccountsEnabled", true,
                "protocolMappers", List.of(
                        mapper("aud", "oidc-audience-mapper", Map.of("included.client.audience", "kinga-sidecar",
                                "access.token.claim", "true")),
                        mapper("perm", "oidc-hardcoded-role-mapper", Map.of("role", "kinga-api.dsr:manage")))), admin), 201);
        String uuid = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        try {
            JsonNode created = alert(kc, "client-grants-kinga-access", clientId);
            assertEquals("CRITICAL", created.path("severity").asText(), created.toString());
            assertEquals("[\"aud\",\"perm\"]", created.path("details").path("mappers").toString());

            expect(kc.send("POST", api + "/clients/" + uuid + "/protocol-mappers/models",
                    mapper("amr", "oidc-hardcoded-claim-mapper", Map.of("claim.name", "amr", "claim.value", "[\"mfa\"]",
                            "jsonType.label", "JSON", "access.token.claim", "true")), admin), 201);
            assertEquals(2, alerts(kc, "client-grants-kinga-access", clientId).size(), "the added amr mapper too");
            expect(kc.send("POST", api + "/clients/" + uuid + "/protocol-mappers/models",
                    mapper("plain", "oidc-hardcoded-claim-mapper", Map.of("claim.name", "department", "claim.value", "care",
                            "access.token.claim", "true")), admin), 201);
            assertEquals(2, alerts(kc, "client-grants-kinga-access", clientId).size(), "an ordinary claim is no alert");

            // Bound to the built-in direct-grant flow, which knows nothing of Kinga MFA: refused (finding 3).
            JsonNode representation = kc.adminGet("/" + REALM + "/clients/" + uuid);
            ((com.fasterxml.jackson.databind.node.ObjectNode) representation).putObject("authenticationFlowBindingOverrides")
                    .put("direct_grant", flowId(kc, "direct grant"));
            HttpResponse<String> refused = kc.send("PUT", api + "/clients/" + uuid, representation, admin);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("Kinga MFA"), refused.body());
            assertTrue(kc.adminGet("/" + REALM + "/clients/" + uuid).path("authenticationFlowBindingOverrides").isEmpty(), "unchanged");
            HttpResponse<String> refusedToAll = kc.admin("PUT", "/" + REALM + "/clients/" + uuid, representation);
            assertEquals(400, refusedToAll.statusCode(), "the realm's policy binds every admin: " + refusedToAll.body());
            HttpResponse<String> newClient = kc.send("POST", api + "/clients", Map.of("clientId", clientId + "-b",
                    "authenticationFlowBindingOverrides", Map.of("browser", flowId(kc, "browser"))), admin);
            assertEquals(400, newClient.statusCode(), "nor on a new client: " + newClient.body());

            // Bound to another flow that runs Kinga MFA: allowed, and still an alert to review.
            String kingaDirectGrant = flowId(kc, "kinga direct grant");
            ((com.fasterxml.jackson.databind.node.ObjectNode) representation).putObject("authenticationFlowBindingOverrides")
                    .put("direct_grant", kingaDirectGrant);
            expect(kc.send("PUT", api + "/clients/" + uuid, representation, admin), 204);
            JsonNode override = alert(kc, "client-flow-override", clientId);
            assertEquals(kingaDirectGrant, override.path("details").path("overrides").path("direct_grant").asText(), override.toString());
        } finally {
            kc.admin("DELETE", "/" + REALM + "/clients/" + uuid, null);
        }

        // Officer permissions added to a role everyone holds (account/manage-account is in the default roles): refused? No, alerted.
        String account = kc.adminGet("/" + REALM + "/clients?clientId=account").get(0).path("id").asText();
        JsonNode manageAccount = kc.adminGet("/" + REALM + "/clients/" + account + "/roles/manage-account");
        String kingaApi = kc.adminGet("/" + REALM + "/clients?clientId=kinga-api").get(0).path("id").asText();
        JsonNode dsrManage = kc.adminGet("/" + REALM + "/clients/" + kingaApi + "/roles/dsr:manage");
        expect(kc.send("POST", api + "/roles-by-id/" + manageAccount.path("id").asText() + "/composites", List.of(dsrManage), admin), 204);
        try {
            List<JsonNode> composite = ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&max=200"), "kinga-permission-composite");
            assertFalse(composite.isEmpty(), "the review's way to give every account dsr:manage");
            assertEquals("CRITICAL", composite.get(0).path("severity").asText());
            assertEquals("[\"dsr:manage\"]", composite.get(0).path("details").path("permissions").toString());
        } finally {
            expect(kc.admin("DELETE", "/" + REALM + "/roles-by-id/" + manageAccount.path("id").asText() + "/composites", List.of(dsrManage)), 204);
        }

        // A client Kinga depends on, changed by the same admin.
        JsonNode console = kc.adminGet("/" + REALM + "/clients?clientId=kinga-api-key-console").get(0);
        String description = console.path("description").asText();
        ((com.fasterxml.jackson.databind.node.ObjectNode) console).put("description", description + " (changed)");
        expect(kc.send("PUT", api + "/clients/" + console.path("id").asText(), console, admin), 204);
        ((com.fasterxml.jackson.databind.node.ObjectNode) console).put("description", description);
        expect(kc.admin("PUT", "/" + REALM + "/clients/" + console.path("id").asText(), console), 204);
        assertFalse(alerts(kc, "guarded-client-changed", "kinga-api-key-console").isEmpty());
    }

    @Test
    void aUserAdminResettingOrStrippingAPrivilegedAccountRaisesAlerts(KeycloakClient kc) {
        String admin = limitedAdmin(kc, "manage-users");
        String username = "it-privileged-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, "Some-Password-1!");
        expect(kc.admin("POST", "/" + REALM + "/users/" + userId + "/role-mappings/realm",
                List.of(kc.adminGet("/" + REALM + "/roles/privacy-officer"))), 204);
        String api = kc.baseUrl() + "/admin/realms/" + REALM + "/users/" + userId;

        expect(kc.send("PUT", api + "/reset-password", Map.of("type", "password", "value", "Taken-Over-1!", "temporary", false), admin), 204);
        assertEquals(1, ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&user=" + userId), "privileged-account-reset").size());

        // Officer permissions granted straight from kinga-api, with no catalogue role in between.
        String kingaApi = kc.adminGet("/" + REALM + "/clients?clientId=kinga-api").get(0).path("id").asText();
        String other = kc.createUser(REALM, "it-permissions-" + UUID.randomUUID().toString().substring(0, 8), "Some-Password-1!");
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms/" + REALM + "/users/" + other + "/role-mappings/clients/" + kingaApi,
                List.of(kc.adminGet("/" + REALM + "/clients/" + kingaApi + "/roles/pii:detokenize")), admin), 204);
        List<JsonNode> granted = ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&user=" + other), "kinga-permission-granted");
        assertEquals(1, granted.size());
        assertEquals("CRITICAL", granted.get(0).path("severity").asText());
        kc.admin("DELETE", "/" + REALM + "/users/" + other, null);

        String credential = kc.adminGet("/" + REALM + "/users/" + userId + "/credentials").get(0).path("id").asText();
        expect(kc.send("DELETE", api + "/credentials/" + credential, null, admin), 204);
        List<JsonNode> removed = ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&user=" + userId), "privileged-credential-removed");
        assertEquals(1, removed.size(), "Keycloak records the removal as ACTION: the rule covers it");
        assertEquals("CRITICAL", removed.get(0).path("severity").asText());

        // The quiet takeover: take the role away first, so the account no longer counts as privileged.
        expect(kc.send("DELETE", api + "/role-mappings/realm", List.of(kc.adminGet("/" + REALM + "/roles/privacy-officer")), admin), 204);
        assertEquals(1, ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&user=" + userId), "privileged-role-removed").size(),
                "the first step is an alert of its own");
        kc.admin("DELETE", "/" + REALM + "/users/" + userId, null);
    }

    @Test
    void switchingARealmsEventsOffIsAWarningAndAnAlert(KeycloakClient kc) {
        String realm = "it-events-" + UUID.randomUUID().toString().substring(0, 8);
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", realm, "enabled", true, "eventsEnabled", true,
                "adminEventsEnabled", true), kc.adminToken()), 201);
        try {
            // (kinga-audit listens to every realm on the shared server: the trail records the change itself)
            expect(kc.admin("PUT", "/" + realm + "/events/config", Map.of("eventsEnabled", false, "adminEventsEnabled", true,
                    "eventsListeners", List.of("jboss-logging"))), 204);
            JsonNode records = kc.adminGet("/" + realm + "/kinga-audit/records?max=100");
            JsonNode change = null;
            for (JsonNode r : records) {
                if ("events/config".equals(r.path("resource").asText()) && r.path("type").asText().startsWith("ADMIN_")) {
                    change = r;
                }
            }
            assertTrue(change != null, records.toString());
            assertEquals("WARNING", change.path("severity").asText(), "a security-relevant change, not INFO");
            assertEquals(1, ofRule(kc.adminGet("/" + realm + "/kinga-audit/records?type=SECURITY_ALERT"), "realm-events-weakened").size());
        } finally {
            kc.admin("DELETE", "/" + realm, null);
        }
    }

    /** A token of a service account holding exactly this realm-management role, as a limited realm admin would act. */
    private static String limitedAdmin(KeycloakClient kc, String role) {
        String clientId = "it-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
        expect(kc.admin("POST", "/" + REALM + "/clients", Map.of("clientId", clientId, "publicClient", false,
                "serviceAccountsEnabled", true, "standardFlowEnabled", false, "secret", "it-secret-" + clientId)), 201);
        String uuid = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        String account = kc.adminGet("/" + REALM + "/clients/" + uuid + "/service-account-user").path("id").asText();
        String management = kc.adminGet("/" + REALM + "/clients?clientId=realm-management").get(0).path("id").asText();
        expect(kc.admin("POST", "/" + REALM + "/users/" + account + "/role-mappings/clients/" + management,
                List.of(kc.adminGet("/" + REALM + "/clients/" + management + "/roles/" + role))), 204);
        HttpResponse<String> token = kc.postForm(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", "it-secret-" + clientId), null);
        return json(expect(token, 200)).path("access_token").asText();
    }

    private static Map<String, Object> mapper(String name, String type, Map<String, String> config) {
        return Map.of("name", name, "protocol", "openid-connect", "protocolMapper", type, "config", config);
    }

    private static String flowId(KeycloakClient kc, String alias) {
        for (JsonNode flow : kc.adminGet("/" + REALM + "/authentication/flows")) {
            if (alias.equals(flow.path("alias").asText())) {
                return flow.path("id").asText();
            }
        }
        throw new AssertionError("no flow " + alias);
    }

    private static JsonNode alert(KeycloakClient kc, String rule, String clientId) {
        List<JsonNode> found = alerts(kc, rule, clientId);
        assertEquals(1, found.size(), rule + " for " + clientId + ": " + found);
        return found.get(0);
    }

    private static List<JsonNode> alerts(KeycloakClient kc, String rule, String clientId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode a : ofRule(kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&max=200"), rule)) {
            if (clientId.equals(a.path("details").path("clientId").asText())) {
                found.add(a);
            }
        }
        return found;
    }

    private static List<JsonNode> ofRule(JsonNode records, String rule) {
        List<JsonNode> found = new ArrayList<>();
        records.forEach(r -> {
            if (rule.equals(r.path("details").path("rule").asText())) {
                found.add(r);
            }
        });
        return found;
    }
}
