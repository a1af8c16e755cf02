package dev.kinga.keycloak.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.SidecarProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.PRIVACY_OFFICER;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built privacy sidecar (its production jar, a separate process) trusting the real
 * Keycloak's realm kinga: real tokens from the real login page decide what each demo user may do.
 */
@ExtendWith(KeycloakExtension.class)
class SidecarWithKeycloakIT {

    private static SidecarProcess sidecar;
    private static String sidecarUrl;

    @BeforeAll
    static void startSidecar(KeycloakServer keycloak) throws Exception {
        sidecar = SidecarProcess.start(keycloak, "sidecar", Map.of());
        sidecarUrl = sidecar.url();
    }

    /**
     * The demo officer and therapist have set up MFA (a sign-in that only enrolled a factor is not
     * MFA for the sidecar): one browser sign-in each enrols them if no other test did before.
     */
    @BeforeAll
    static void demoUsersHaveEnrolled(KeycloakClient kc) {
        for (String user : List.of(PRIVACY_OFFICER, THERAPIST)) {
            kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, user, PASSWORD);
        }
    }

    @AfterAll
    static void stopSidecar() throws InterruptedException {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void onlyTokensIssuedForTheSidecarWithItsPermissionsAreAccepted(KeycloakClient kc) {
        String detect = sidecarUrl + "/api/v1/pii/detect";
        String body = "{\"text\":\"Dr. Amina Odhiambo, call +254 712 345 678\"}";

        HttpResponse<String> officer = kc.send("POST", detect, body, cli(kc, PRIVACY_OFFICER));
        assertEquals(200, officer.statusCode(), officer.body());
        assertEquals("[\"PERSON\",\"PHONE\"]", types(json(officer)));

        HttpResponse<String> spa = kc.send("POST", detect, body, spa(kc, PRIVACY_OFFICER));
        assertEquals(401, spa.statusCode(), "a token the SPA got is not for the sidecar, whoever holds it");
        assertEquals(403, kc.send("POST", detect, body, cli(kc, THERAPIST)).statusCode(), "no pii:detect");
        assertEquals(401, kc.send("POST", detect, body, null).statusCode());
        HttpResponse<String> foreign = kc.send("POST", detect, body, kc.adminToken());
        assertEquals(401, foreign.statusCode(), "a master-realm token is not a kinga token");
        assertEquals("unauthorized", json(foreign).path("error").asText());
    }

    @Test
    void thePrivacyOfficerTokenizesAndReversesWithAPurposeAfterMfa(KeycloakClient kc) {
        String officer = cli(kc, PRIVACY_OFFICER);
        JsonNode claims = KeycloakClient.claims(officer);
        assertTrue(claims.path("amr").toString().contains("mfa"), "the sign-in passed Kinga MFA: " + claims);
        String token = tokenize(kc, officer, "amina@example.com");

        HttpResponse<String> noPurpose = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize", Map.of("tokens", List.of(token)), officer);
        assertEquals(400, noPurpose.statusCode(), noPurpose.body());
        HttpResponse<String> back = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize",
                Map.of("tokens", List.of(token), "purpose", "IT: subject access request"), officer);
        assertEquals(200, back.statusCode(), back.body());
        assertEquals("amina@example.com", json(back).path("values").path(token).asText());

        HttpResponse<String> trail = kc.send("GET", sidecarUrl + "/api/v1/audit/records?from=" + json(back).path("auditSeq").asLong(),
                null, officer);
        assertEquals(200, trail.statusCode(), trail.body());
        assertEquals("IT: subject access request", json(trail).path(0).path("details").path("purpose").asText());
        assertEquals(claims.path("sub").asText(), json(trail).path(0).path("actor").asText());
        assertEquals(false, trail.body().contains("amina@example.com"));
    }

    /**
     * An admin gives a custom role the permission: its holder may detokenize with no code change;
     * a holder whose sign-in had no MFA is told to step up (RFC 9470), not answered.
     */
    @Test
    void aCustomRoleWithThePermissionDetokenizesAndStepUpIsAskedWithoutMfa(KeycloakClient kc) {
        String tokenized = tokenize(kc, cli(kc, PRIVACY_OFFICER), "wanjiku@example.com");
        String apiClient = kc.adminGet("/" + REALM + "/clients?clientId=kinga-api").get(0).path("id").asText();
        JsonNode permission = kc.adminGet("/" + REALM + "/clients/" + apiClient + "/roles/pii:detokenize");
        String role = "it-dpo-deputy-" + UUID.randomUUID().toString().substring(0, 6);
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
        expect(kc.admin("POST", "/" + REALM + "/roles/" + role + "/composites", List.of(permission)), 204);
        JsonNode roleRep = kc.adminGet("/" + REALM + "/roles/" + role);
        String therapistId = kc.adminGet("/" + REALM + "/users?exact=true&username=" + THERAPIST).get(0).path("id").asText();
        String plainUser = "it-deputy-" + UUID.randomUUID().toString().substring(0, 6);
        String plainUserId = kc.createUser(REALM, plainUser, PASSWORD);
        try {
            for (String id : List.of(therapistId, plainUserId)) {
                expect(kc.admin("POST", "/" + REALM + "/users/" + id + "/role-mappings/realm", List.of(roleRep)), 204);
            }
            Map<String, Object> request = Map.of("tokens", List.of(tokenized), "purpose", "IT: deputy covering leave");

            String therapist = kc.deviceLogin(REALM, "kinga-compliance-cli", THERAPIST, PASSWORD, null, Map.of()).path("access_token").asText();
            HttpResponse<String> deputy = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize", request, therapist);
            assertEquals(200, deputy.statusCode(), "the permission, through a role no code knows: " + deputy.body());
            assertEquals("wanjiku@example.com", json(deputy).path("values").path(tokenized).asText());

            // Same permission, new user: holding pii:detokenize makes MFA mandatory, but the sign-in that
            // enrolled the factor (the password alone let them) is not MFA: no amr "mfa", step-up asked.
            String enrolling = kc.deviceLogin(REALM, "kinga-compliance-cli", plainUser, PASSWORD, null, Map.of()).path("access_token").asText();
            assertTrue(!KeycloakClient.claims(enrolling).path("amr").toString().contains("mfa"), KeycloakClient.claims(enrolling).toString());
            HttpResponse<String> noMfa = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize", request, enrolling);
            assertEquals(401, noMfa.statusCode(), noMfa.body());
            assertEquals("insufficient_user_authentication", json(noMfa).path("error").asText());
            String challenge = noMfa.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.contains("acr_values=\"kinga-mfa\"") && challenge.contains("max_age=300"), challenge);

            // Signing in again with a code of that factor is MFA.
            String steppedUp = kc.deviceLogin(REALM, "kinga-compliance-cli", plainUser, PASSWORD, null, Map.of()).path("access_token").asText();
            HttpResponse<String> afterStepUp = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize", request, steppedUp);
            assertEquals(200, afterStepUp.statusCode(), afterStepUp.body());

            // The claims are not believed on their own: once that session is signed out, its token
            // (still unexpired, still saying MFA) is asked to step up, since Keycloak has no such session.
            String sid = KeycloakClient.claims(steppedUp).path("sid").asText();
            expect(kc.admin("DELETE", "/" + REALM + "/sessions/" + sid, null), 204);
            HttpResponse<String> signedOut = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize", request, steppedUp);
            assertEquals(401, signedOut.statusCode(), signedOut.body());
            assertEquals("insufficient_user_authentication", json(signedOut).path("error").asText());
        } finally {
            expect(kc.admin("DELETE", "/" + REALM + "/roles/" + role, null), 204);
            expect(kc.admin("DELETE", "/" + REALM + "/users/" + plainUserId, null), 204);
        }
    }

    /**
     * Issue 29: an admin who manages clients writes {@code amr} into the compliance CLI's tokens
     * with a hardcoded-claim mapper. A holder of the permission whose sign-in passed no MFA then
     * carries a token that says it did; the sidecar asks Keycloak about the session and refuses.
     */
    @Test
    void anAmrClaimAMapperWroteIsNotTakenForMfa(KeycloakClient kc) {
        String tokenized = tokenize(kc, cli(kc, PRIVACY_OFFICER), "forged@example.com");
        String cliClient = kc.adminGet("/" + REALM + "/clients?clientId=kinga-compliance-cli").get(0).path("id").asText();
        String apiClient = kc.adminGet("/" + REALM + "/clients?clientId=kinga-api").get(0).path("id").asText();
        JsonNode permission = kc.adminGet("/" + REALM + "/clients/" + apiClient + "/roles/pii:detokenize");
        String username = "it-forger-" + UUID.randomUUID().toString().substring(0, 6);
        String userId = kc.createUser(REALM, username, PASSWORD);
        String mapperName = "it-forged-amr-" + UUID.randomUUID().toString().substring(0, 6);
        expect(kc.admin("POST", "/" + REALM + "/clients/" + cliClient + "/protocol-mappers/models", Map.of(
                "name", mapperName, "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper",
                "config", Map.of("claim.name", "amr", "claim.value", "[\"mfa\",\"otp\"]", "jsonType.label", "JSON",
                        "access.token.claim", "true", "id.token.claim", "false", "userinfo.token.claim", "false"))), 201);
        try {
            expect(kc.admin("POST", "/" + REALM + "/users/" + userId + "/role-mappings/clients/" + apiClient, List.of(permission)), 204);
            // The sign-in that enrols the factor: the password alone, so Kinga records no MFA for it.
            String forged = kc.deviceLogin(REALM, "kinga-compliance-cli", username, PASSWORD, null, Map.of()).path("access_token").asText();
            assertTrue(KeycloakClient.claims(forged).path("amr").toString().contains("mfa"), "the mapper wrote amr: " + KeycloakClient.claims(forged));
            HttpResponse<String> refused = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize",
                    Map.of("tokens", List.of(tokenized), "purpose", "IT: forged amr"), forged);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("insufficient_user_authentication", json(refused).path("error").asText());
            assertTrue(!refused.body().contains("forged@example.com"), refused.body());
        } finally {
            JsonNode mappers = kc.adminGet("/" + REALM + "/clients/" + cliClient + "/protocol-mappers/models");
            for (JsonNode mapper : mappers) {
                if (mapperName.equals(mapper.path("name").asText())) {
                    expect(kc.admin("DELETE", "/" + REALM + "/clients/" + cliClient + "/protocol-mappers/models/" + mapper.path("id").asText(), null), 204);
                }
            }
            expect(kc.admin("DELETE", "/" + REALM + "/users/" + userId, null), 204);
        }
    }

    /**
     * Data-subject requests through the sidecar reach the real Keycloak: an export holds the
     * person's account and trail, an erasure with a grace period disables the account until it is
     * cancelled, and one without erases the person, leaving a trail that still verifies.
     */
    @Test
    void dataSubjectRequestsExportHoldAndEraseInTheRealKeycloak(KeycloakClient kc) {
        String officer = cli(kc, PRIVACY_OFFICER);
        String username = "it-dsr-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, PASSWORD);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, PASSWORD);

        JsonNode export = json(expect(kc.send("POST", sidecarUrl + "/api/v1/dsr", Map.of("type", "export", "subject", username), officer), 201));
        assertEquals(userId, export.path("subjectId").asText());
        JsonNode exported = awaitDsr(kc, officer, export.path("id").asText(), "completed");
        assertTrue(exported.path("receipt").path("connectors").path("keycloak").path("auditRecords").asInt() > 0, exported.toString());
        String link = json(expect(kc.send("POST", sidecarUrl + "/api/v1/dsr/" + export.path("id").asText() + "/archive-link", null, officer), 201))
                .path("url").asText();
        JsonNode archive = json(expect(kc.send("GET", sidecarUrl + link, null, officer), 200));
        assertEquals(username, archive.path("parts").path("keycloak").path("profile").path("username").asText());
        assertEquals(410, kc.send("GET", sidecarUrl + link, null, officer).statusCode(), "a link works once");

        JsonNode graced = json(expect(kc.send("POST", sidecarUrl + "/api/v1/dsr",
                Map.of("type", "erasure", "subject", userId, "graceDays", 7), officer), 201));
        assertEquals("scheduled", graced.path("status").asText());
        assertEquals(false, kc.adminGet("/" + REALM + "/users/" + userId).path("enabled").asBoolean(), "disabled during the grace period");
        expect(kc.send("POST", sidecarUrl + "/api/v1/dsr/" + graced.path("id").asText() + "/cancel", Map.of("reason", "IT"), officer), 200);
        assertEquals(true, kc.adminGet("/" + REALM + "/users/" + userId).path("enabled").asBoolean(), "back as it was");

        JsonNode erasure = json(expect(kc.send("POST", sidecarUrl + "/api/v1/dsr",
                Map.of("type", "erasure", "subject", username, "graceDays", 0), officer), 201));
        JsonNode erased = awaitDsr(kc, officer, erasure.path("id").asText(), "completed");
        JsonNode receipt = erased.path("receipt").path("connectors").path("keycloak");
        assertEquals(1, receipt.path("keycloak").path("user").asInt(), erased.toString());
        assertTrue(receipt.path("audit").path("personalPartsErased").asInt() > 0, receipt.toString());
        assertEquals(404, kc.admin("GET", "/" + REALM + "/users/" + userId, null).statusCode(), "gone from Keycloak");
        JsonNode verified = kc.adminGet("/" + REALM + "/kinga-audit/verify");
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        String records = kc.adminGet("/" + REALM + "/kinga-audit/records?user=" + userId + "&max=100").toString();
        assertTrue(!records.contains(username), "the trail no longer names the person");
    }

    private JsonNode awaitDsr(KeycloakClient kc, String bearer, String id, String status) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            JsonNode r = json(expect(kc.send("GET", sidecarUrl + "/api/v1/dsr/" + id, null, bearer), 200));
            if (status.equals(r.path("status").asText()) || Instant.now().isAfter(deadline)) {
                assertEquals(status, r.path("status").asText(), r.toString());
                return r;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private String tokenize(KeycloakClient kc, String bearer, String value) {
        HttpResponse<String> anonymized = kc.send("POST", sidecarUrl + "/api/v1/pii/anonymize",
                Map.of("text", value, "operators", Map.of("EMAIL", Map.of("type", "tokenize"))), bearer);
        assertEquals(200, anonymized.statusCode(), anonymized.body());
        String token = json(anonymized).path("text").asText();
        assertTrue(token.startsWith("tok_email_"), token);
        return token;
    }

    /**
     * A token of the compliance CLI (device grant): audience kinga-sidecar, amr from Kinga MFA. One
     * sign-in per user for this class (each MFA sign-in of a demo user spends one of its backup codes).
     */
    private static String cli(KeycloakClient kc, String username) {
        return CLI_TOKENS.computeIfAbsent(username, u -> kc.deviceLogin(REALM, "kinga-compliance-cli", u, PASSWORD, null, Map.of())
                .path("access_token").asText());
    }

    private static final Map<String, String> CLI_TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String spa(KeycloakClient kc, String username) {
        return kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, PASSWORD).path("access_token").asText();
    }

    private static String types(JsonNode detected) {
        StringBuilder s = new StringBuilder("[");
        detected.path("entities").forEach(e -> s.append(s.length() > 1 ? "," : "").append('"').append(e.path("type").asText()).append('"'));
        return s.append(']').toString();
    }
}
