package dev.kinga.sidecar.consent;

import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consent ledger: versioned purposes whose texts never change, grants and withdrawals that
 * are only added, current state, "who consents to version V or later", people managing their own
 * consents with their own token, and the sidecar's trail recording each change.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(dev.kinga.sidecar.dsr.FakeKeycloak.class)
class ConsentTest {

    private static final String OFFICER = TestTokens.withPermissions("consent:manage", "audit:read");

    private static Response as(String token, String method, String path, Object body) {
        var request = RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    private static String purpose() {
        return "research-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void purposeVersionsOnlyGoUpAndTheirTextsNeverChange() {
        String key = purpose();
        assertEquals(201, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "Use my notes for research", "version", 1)).statusCode());
        assertEquals(200, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "Use my notes for research", "version", 1)).statusCode(),
                "the same version and text again changes nothing");
        Response rewrite = as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "Sell my notes", "version", 1));
        assertEquals(409, rewrite.statusCode());
        assertEquals("version_exists", rewrite.jsonPath().getString("error"));
        assertEquals(201, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "Use my de-identified notes for research", "version", 2)).statusCode());
        assertEquals(409, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "older", "version", 1)).statusCode());
        JsonPath versions = as(OFFICER, "GET", "/api/v1/consent/purposes/" + key, null).jsonPath();
        assertEquals(List.of(2, 1), versions.getList("version"));
        assertEquals("Use my notes for research", versions.getString("[1].text"));
        assertTrue(as(OFFICER, "GET", "/api/v1/consent/purposes", null).jsonPath().getList("key").contains(key));
    }

    @Test
    void grantsAndWithdrawalsAreAddedAndTheLatestCounts() {
        String key = purpose();
        as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "v1", "version", 1));
        var early = dev.kinga.sidecar.dsr.FakeKeycloak.addUser("early-" + System.nanoTime());
        var late = dev.kinga.sidecar.dsr.FakeKeycloak.addUser("late-" + System.nanoTime());
        var gone = dev.kinga.sidecar.dsr.FakeKeycloak.addUser("gone-" + System.nanoTime());
        assertEquals(201, record(early, key, "grant", null).statusCode());
        as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "v2", "version", 2));
        Response granted = record(late, key, "grant", "paper-form");
        assertEquals(201, granted.statusCode(), granted.asString());
        assertEquals(2, granted.jsonPath().getInt("version"), "the current version by default");
        record(gone, key, "grant", null);
        record(gone, key, "withdraw", null);

        JsonPath everyone = as(OFFICER, "GET", "/api/v1/consent/purposes/" + key + "/subjects", null).jsonPath();
        assertEquals(java.util.Set.of(early, late), java.util.Set.copyOf(everyone.getList("subjectIds")));
        JsonPath v2 = as(OFFICER, "GET", "/api/v1/consent/purposes/" + key + "/subjects?minVersion=2", null).jsonPath();
        assertEquals(List.of(late), v2.getList("subjectIds"));

        JsonPath history = as(OFFICER, "GET", "/api/v1/consent/subjects/" + gone, null).jsonPath();
        assertEquals(List.of("grant", "withdraw"), history.getList("history.action"));
        assertEquals(false, history.getBoolean("current[0].granted"));
        assertEquals("paper-form", as(OFFICER, "GET", "/api/v1/consent/subjects/" + late, null).jsonPath().getString("current[0].source"));

        String trail = as(OFFICER, "GET", "/api/v1/audit/records?limit=1000", null).asString();
        assertTrue(trail.contains("CONSENT_WITHDRAWN") && trail.contains(gone), "each change is in the trail");
    }

    @Test
    void peopleSeeAndChangeOnlyTheirOwnConsents() {
        String key = purpose();
        as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "Reminders by SMS", "version", 1));
        String me = dev.kinga.sidecar.dsr.FakeKeycloak.addUser("me-" + UUID.randomUUID());
        String token = TestTokens.person(me).permissions("own-data:read", "own-data:write").sign();
        Response stale = as(token, "POST", "/api/v1/me/consents", Map.of("purpose", key, "action", "grant", "version", 7));
        assertEquals(409, stale.statusCode(), "a grant to a text the person was not shown is refused");
        assertEquals("version_changed", stale.jsonPath().getString("error"));
        Response granted = as(token, "POST", "/api/v1/me/consents", Map.of("purpose", key, "action", "grant", "version", 1));
        assertEquals(201, granted.statusCode(), granted.asString());
        assertEquals(me, granted.jsonPath().getString("subjectId"));
        assertEquals("self-service", granted.jsonPath().getString("source"));
        JsonPath mine = as(token, "GET", "/api/v1/me/consents", null).jsonPath();
        assertTrue(mine.getList("purposes.key").contains(key));
        assertEquals(List.of(key), mine.getList("mine.current.purpose"));
        assertEquals(201, as(token, "POST", "/api/v1/me/consents", Map.of("purpose", key, "action", "withdraw")).statusCode());
        assertFalse(as(token, "GET", "/api/v1/me/consents", null).jsonPath().getBoolean("mine.current[0].granted"));

        String other = TestTokens.person(dev.kinga.sidecar.dsr.FakeKeycloak.addUser("someone-else-" + UUID.randomUUID()))
                .permissions("own-data:read").sign();
        assertEquals(List.of(), as(other, "GET", "/api/v1/me/consents", null).jsonPath().getList("mine.history"));
        assertEquals(403, as(other, "POST", "/api/v1/me/consents", Map.of("purpose", key, "action", "grant")).statusCode(),
                "changing needs own-data:write");
        assertEquals(403, as(token, "GET", "/api/v1/consent/subjects/" + me, null).statusCode(), "the officer's API is not theirs");
    }

    @Test
    void badInputGetsAClearError() {
        String key = purpose();
        as(OFFICER, "PUT", "/api/v1/consent/purposes/" + key, Map.of("text", "t", "version", 1));
        String person = dev.kinga.sidecar.dsr.FakeKeycloak.addUser("bad-" + System.nanoTime());
        assertEquals(400, as(OFFICER, "PUT", "/api/v1/consent/purposes/Bad Key", Map.of("text", "t", "version", 1)).statusCode());
        assertEquals(400, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + purpose(), Map.of("version", 1)).statusCode());
        assertEquals(400, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + purpose(), Map.of("text", "t", "version", 0)).statusCode());
        assertEquals(400, as(OFFICER, "PUT", "/api/v1/consent/purposes/" + purpose(), Map.of("text", "x".repeat(20_001), "version", 1)).statusCode());
        assertEquals(400, as(OFFICER, "POST", "/api/v1/consent/records", Map.of("subject", person, "purpose", key, "action", "maybe")).statusCode());
        assertEquals(400, as(OFFICER, "POST", "/api/v1/consent/records", Map.of("subject", person, "purpose", key, "action", "grant",
                "source", "a b")).statusCode());
        Response unknownPurpose = as(OFFICER, "POST", "/api/v1/consent/records", Map.of("subject", person, "purpose", purpose(), "action", "grant"));
        assertEquals(404, unknownPurpose.statusCode());
        assertEquals("unknown_purpose", unknownPurpose.jsonPath().getString("error"));
        assertEquals("unknown_version", as(OFFICER, "POST", "/api/v1/consent/records",
                Map.of("subject", person, "purpose", key, "version", 7, "action", "grant")).jsonPath().getString("error"));
        Response nobody = as(OFFICER, "POST", "/api/v1/consent/records", Map.of("subject", "nobody-" + System.nanoTime(), "purpose", key, "action", "grant"));
        assertEquals(404, nobody.statusCode());
        assertEquals("unknown_subject", nobody.jsonPath().getString("error"));
        assertEquals(404, as(OFFICER, "GET", "/api/v1/consent/purposes/" + purpose(), null).statusCode());
        assertEquals(400, as(OFFICER, "GET", "/api/v1/consent/purposes/" + key + "/subjects?minVersion=0", null).statusCode());
        assertEquals(403, as(TestTokens.withPermissions("dsr:manage"), "GET", "/api/v1/consent/purposes", null).statusCode());
    }

    private static Response record(String subject, String key, String action, String source) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("subject", subject, "purpose", key, "action", action));
        if (source != null) {
            body.put("source", source);
        }
        return as(OFFICER, "POST", "/api/v1/consent/records", body);
    }
}
