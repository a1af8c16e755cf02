package dev.kinga.sidecar.connector;

import dev.kinga.sidecar.dsr.FakeKeycloak;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connectors registered through {@code /api/v1/connectors}: secrets sealed at rest and answered
 * once, configured names protected, bad input refused, and a registered connector called by
 * exports and erasures like a configured one.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(FakeKeycloak.class)
@QuarkusTestResource(ReferenceConnector.class)
class ConnectorRegistryTest {

    private static final String ADMIN = TestTokens.withPermissions("connectors:manage", "dsr:manage");

    @Inject
    EntityManager em;

    private static Response call(String method, String path, Object body) {
        var request = RestAssured.given().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    @Test
    void aRegisteredSecretIsSealedAnsweredOnceAndKeptOnChange() {
        String name = "messages-" + System.nanoTime() % 100000;
        Response created = call("PUT", "/api/v1/connectors/" + name, Map.of("url", "https://messages.internal/kinga"));
        assertEquals(201, created.statusCode(), created.asString());
        String secret = created.jsonPath().getString("secret");
        assertTrue(secret != null && secret.length() >= 43, "a generated secret, shown once: " + created.asString());
        assertEquals("api", created.jsonPath().getString("source"));
        try {
            String sealed = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                    "select secret_sealed from dsr_connector where name = ?1").setParameter(1, name).getSingleResult());
            assertFalse(sealed.contains(secret), "not in plaintext");
            assertFalse(sealed.contains(Base64.getEncoder().encodeToString(secret.getBytes())), "not merely encoded");

            JsonPath listed = call("GET", "/api/v1/connectors", null).jsonPath();
            assertTrue(listed.getList("name").containsAll(List.of(name, ReferenceConnector.NAME)), listed.prettify());
            assertEquals("configuration", listed.getString("find { it.name == '" + ReferenceConnector.NAME + "' }.source"));
            assertFalse(listed.prettify().contains(secret), "never listed again");
            assertNull(call("GET", "/api/v1/connectors/" + name, null).jsonPath().getString("secret"));

            Response movedAlone = call("PUT", "/api/v1/connectors/" + name, Map.of("url", "https://elsewhere.example/kinga"));
            assertEquals(400, movedAlone.statusCode(), "the secret does not follow the data to a new address: " + movedAlone.asString());
            assertEquals("https://messages.internal/kinga", call("GET", "/api/v1/connectors/" + name, null).jsonPath().getString("url"));
            Response same = call("PUT", "/api/v1/connectors/" + name, Map.of("url", "https://messages.internal/kinga"));
            assertEquals(200, same.statusCode(), same.asString());
            assertNull(same.jsonPath().getString("secret"), "an unchanged connector keeps its secret, unshown");
            Response moved = call("PUT", "/api/v1/connectors/" + name, Map.of("url", "https://messages2.internal/kinga",
                    "secret", "a-new-secret-for-the-new-address-0123456789"));
            assertEquals(200, moved.statusCode(), moved.asString());
            assertEquals("https://messages2.internal/kinga", moved.jsonPath().getString("url"));
        } finally {
            assertEquals(204, call("DELETE", "/api/v1/connectors/" + name, null).statusCode());
        }
        assertEquals(404, call("GET", "/api/v1/connectors/" + name, null).statusCode());
        assertEquals(404, call("DELETE", "/api/v1/connectors/" + name, null).statusCode());
    }

    @Test
    void badRegistrationsAreRefusedAndConfiguredOnesProtected() {
        Response configured = call("PUT", "/api/v1/connectors/" + ReferenceConnector.NAME, Map.of("url", "https://x.internal/k"));
        assertEquals(409, configured.statusCode());
        assertEquals("configured_connector", configured.jsonPath().getString("error"));
        assertEquals(409, call("DELETE", "/api/v1/connectors/" + ReferenceConnector.NAME, null).statusCode());

        Map<String, Object> plainHttp = Map.of("url", "http://messages.internal/kinga");
        Map<String, Object> shortSecret = Map.of("url", "https://messages.internal/kinga", "secret", "too-short");
        Map<String, Object> withQuery = Map.of("url", "https://messages.internal/kinga?token=1");
        for (Map<String, Object> body : List.of(plainHttp, shortSecret, withQuery)) {
            Response refused = call("PUT", "/api/v1/connectors/bad-one", body);
            assertEquals(400, refused.statusCode(), body + ": " + refused.asString());
            assertEquals("invalid_request", refused.jsonPath().getString("error"));
        }
        assertEquals(400, call("PUT", "/api/v1/connectors/Upper_Case", Map.of("url", "https://m.internal/k")).statusCode());
        assertEquals(400, call("PUT", "/api/v1/connectors/no-body", null).statusCode());
        assertEquals(404, call("GET", "/api/v1/connectors/bad-one", null).statusCode(), "nothing was stored");

        Response dsrOnly = RestAssured.given().header("Authorization", "Bearer " + TestTokens.withPermissions("dsr:manage"))
                .get("/api/v1/connectors");
        assertEquals(403, dsrOnly.statusCode(), "registering where personal data goes is its own permission");
    }

    @Test
    void aRegisteredConnectorIsCalledByExportsAndErasures() {
        String name = "care-notes-api";
        String secretGiven = ReferenceConnector.SECRET; // the reference app checks this secret
        assertEquals(201, call("PUT", "/api/v1/connectors/" + name,
                Map.of("url", ReferenceConnector.url() + "/api", "secret", secretGiven)).statusCode());
        try {
            FakeKeycloak.User user = FakeKeycloak.add("registered-" + System.nanoTime());
            ReferenceConnector.hold(user.id, "session 1: registered connector");
            Response export = call("POST", "/api/v1/dsr", Map.of("type", "export", "subject", user.id));
            assertEquals(201, export.statusCode(), export.asString());
            JsonPath done = awaitCompleted(export.jsonPath().getString("id"));
            assertEquals(1, done.getInt("receipt.connectors.'" + name + "'.records"), done.prettify());

            Response erasure = call("POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", user.id, "graceDays", 0));
            JsonPath erased = awaitCompleted(erasure.jsonPath().getString("id"));
            assertTrue(erased.getMap("receipt.connectors").containsKey(name), erased.prettify());
            assertTrue(erased.getMap("receipt.connectors").containsKey(ReferenceConnector.NAME), erased.prettify());
            assertEquals(1, ReferenceConnector.ERASURES.get(user.id).get(), "the app erased once");
        } finally {
            call("DELETE", "/api/v1/connectors/" + name, null);
        }
    }

    private static JsonPath awaitCompleted(String id) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            JsonPath r = call("GET", "/api/v1/dsr/" + id, null).jsonPath();
            if ("completed".equals(r.getString("status")) || Instant.now().isAfter(deadline)) {
                assertEquals("completed", r.getString("status"), r.prettify());
                return r;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
