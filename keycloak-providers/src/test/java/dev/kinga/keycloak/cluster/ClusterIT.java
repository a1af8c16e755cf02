package dev.kinga.keycloak.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakCluster;
import dev.kinga.keycloak.testing.MfaAutomation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kinga on two real Keycloak nodes of one cluster (PostgreSQL, JDBC_PING): what one node
 * decides, the other honours at once. Runs in the PostgreSQL pass of {@code .ci/run}.
 */
@EnabledIfSystemProperty(named = "kinga.it.cluster.db.url", matches = ".+",
        disabledReason = "needs PostgreSQL for the two nodes: mvn verify -Ppostgres (as .ci/run does)")
class ClusterIT {

    private static final String SERVICE = "kinga-reports-service";
    private static final String GATEWAY = "kinga-gateway";
    private static KeycloakCluster cluster;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        cluster = KeycloakCluster.start();
    }

    @AfterAll
    static void stopTwoNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anApiKeyRevokedOrRotatedOnOneNodeIsRefusedOnTheOtherWithinOneSecond() throws Exception {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);

        String revoked = createKey(a);
        assertEquals(200, token(b, revoked).statusCode(), "node B knows (and caches) the key");
        String prefix = revoked.substring(0, revoked.lastIndexOf('_'));
        expect(a.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys/" + prefix + "/revoke", null), 200);
        long refusedAfter = millisUntilRefused(b, revoked);
        assertTrue(refusedAfter <= 1_000, "refused on node B after " + refusedAfter + " ms");
        assertFalse(json(introspect(b, revoked)).path("active").asBoolean(), "the gateway on node B agrees");

        String rotated = createKey(a);
        assertEquals(200, token(b, rotated).statusCode());
        String oldPrefix = rotated.substring(0, rotated.lastIndexOf('_'));
        String replacement = json(expect(a.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys/" + oldPrefix
                + "/rotate", Map.of("overlapHours", 0)), 201)).path("apiKey").asText();
        long endedAfter = millisUntilRefused(b, rotated);
        assertTrue(endedAfter <= 1_000, "rotation with overlapHours 0 ends the old key on node B after " + endedAfter + " ms");
        assertEquals(200, token(b, replacement).statusCode(), "the new key works on node B");
    }

    @Test
    void aTotpCodeUsedOnOneNodeIsRefusedOnTheOther() {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);
        String username = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        String id = a.createUser(REALM, username, PASSWORD);
        expect(a.admin("PUT", "/" + REALM + "/users/" + id, Map.of("requiredActions", List.of("kinga-totp-enrol"))), 204);

        KeycloakClient.Page enrol = a.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        MfaAutomation.Enrolment totp = MfaAutomation.enrolment(enrol.html());
        long enrolledAt = System.currentTimeMillis() / 1000;
        enrol.post("kinga-totp-enrol-form", Map.of("otp", totp.code(enrolledAt)))
                .post("kinga-backup-codes-form", Map.of("stored", "")).tokens();

        String code = totp.codeAfter(enrolledAt);
        a.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD)
                .post("kinga-totp-form", Map.of("mode", "totp", "otp", code)).tokens();
        KeycloakClient.Page replay = b.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD)
                .post("kinga-totp-form", Map.of("mode", "totp", "otp", code));
        assertEquals(200, replay.status(), "no login on node B with the code node A accepted");
        assertTrue(replay.html().contains("already used"), replay.html());
    }

    // --- helpers ----------------------------------------------------------------------------

    private static String createKey(KeycloakClient node) {
        return json(expect(node.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys", Map.of(
                "name", "cluster " + UUID.randomUUID(), "scopes", List.of("system"), "expiresInDays", 5)), 201))
                .path("apiKey").asText();
    }

    private static HttpResponse<String> token(KeycloakClient node, String apiKey) {
        return node.postForm(node.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_secret", apiKey), null);
    }

    private static HttpResponse<String> introspect(KeycloakClient node, String apiKey) {
        String id = node.adminGet("/" + REALM + "/clients?clientId=" + GATEWAY).get(0).path("id").asText();
        String secret = node.adminGet("/" + REALM + "/clients/" + id + "/client-secret").path("value").asText();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(node.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((GATEWAY + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + apiKey)).build();
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls the token endpoint of {@code node} with the key until it refuses it; the milliseconds that took. */
    private static long millisUntilRefused(KeycloakClient node, String apiKey) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 5_000_000_000L) {
            if (token(node, apiKey).statusCode() == 401) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        return Long.MAX_VALUE;
    }
}
