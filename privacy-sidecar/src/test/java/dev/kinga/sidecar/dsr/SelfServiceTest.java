package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.connector.ReferenceConnector;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * People's own requests ({@code /api/v1/me/...}): only ever about the token's subject, exports
 * downloadable by them alone, erasure only after a recent sign-in, and a cancellation code that
 * works while the account is disabled, once. Plus the page those calls come from.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(FakeKeycloak.class)
@QuarkusTestResource(ReferenceConnector.class)
class SelfServiceTest {

    @Inject
    EntityManager em;

    private static final String OFFICER = TestTokens.withPermissions("dsr:manage");

    private static String person(FakeKeycloak.User user) {
        return TestTokens.person(user.id).permissions("own-data:read", "own-data:write", "own-data:delete").sign();
    }

    private static Response as(String token, String method, String path, Object body) {
        var request = RestAssured.given().contentType("application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    @Test
    void aPersonExportsTheirOwnDataAndOnlyTheyCanDownloadIt() {
        FakeKeycloak.User amina = FakeKeycloak.add("amina-" + System.nanoTime());
        FakeKeycloak.User other = FakeKeycloak.add("other-" + System.nanoTime());
        ReferenceConnector.hold(amina.id, "note for amina");
        String token = person(amina);
        Response created = as(token, "POST", "/api/v1/me/requests", Map.of("type", "export"));
        assertEquals(201, created.statusCode(), created.asString());
        String id = created.jsonPath().getString("id");
        Response twice = as(token, "POST", "/api/v1/me/requests", Map.of("type", "export"));
        assertTrue(twice.statusCode() == 409 && "export_pending".equals(twice.jsonPath().getString("error"))
                || twice.statusCode() == 201, "at most one open export: " + twice.asString());

        JsonPath done = await(token, id, "completed");
        assertNotNull(done.getString("archiveExpiresAt"), done.prettify());
        assertNull(done.getString("subject"), "no officer fields in the person's view");

        String stranger = person(other);
        assertEquals(404, as(stranger, "GET", "/api/v1/me/requests/" + id, null).statusCode(), "someone else's request is not found");
        assertEquals(404, as(stranger, "POST", "/api/v1/me/requests/" + id + "/archive-link", null).statusCode());
        assertFalse(as(stranger, "GET", "/api/v1/me/requests", null).asString().contains(id));

        String url = as(token, "POST", "/api/v1/me/requests/" + id + "/archive-link", null).jsonPath().getString("url");
        assertTrue(url.startsWith("/api/v1/me/archives/"), url);
        assertEquals(404, as(stranger, "GET", url, null).statusCode(), "a leaked link is no use to another account");
        assertEquals(404, as(OFFICER, "GET", url.replace("/me/", "/dsr/"), null).statusCode(), "nor to an officer");
        Response archive = as(token, "GET", url, null);
        assertEquals(200, archive.statusCode(), archive.asString());
        assertEquals(amina.id, archive.jsonPath().getString("subjectId"));
        assertEquals(List.of("note for amina"), archive.jsonPath().getList("parts.apps.care-notes.records.text"));
        Response again = as(token, "GET", url, null);
        assertEquals(410, again.statusCode());
        assertEquals("link_used", again.jsonPath().getString("error"));

        String encryptedUrl = as(token, "POST", "/api/v1/me/requests/" + id + "/archive-link", null).jsonPath().getString("url");
        Response encrypted = as(token, "POST", encryptedUrl, Map.of("passphrase", "a long passphrase for gpg"));
        assertEquals(200, encrypted.statusCode(), encrypted.asString());
        assertTrue(encrypted.asString().startsWith("-----BEGIN PGP MESSAGE-----"));

        // A day later: the archive and its links have expired.
        String lateUrl = as(token, "POST", "/api/v1/me/requests/" + id + "/archive-link", null).jsonPath().getString("url");
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("update dsr_archive set expires_at = ?1 where request_id = ?2")
                    .setParameter(1, Instant.now().minusSeconds(60)).setParameter(2, id).executeUpdate();
            em.createNativeQuery("update dsr_archive_link set expires_at = ?1 where request_id = ?2")
                    .setParameter(1, Instant.now().minusSeconds(60)).setParameter(2, id).executeUpdate();
        });
        Response expired = as(token, "GET", lateUrl, null);
        assertEquals(410, expired.statusCode(), expired.asString());
        assertEquals("archive_expired", expired.jsonPath().getString("error"));
        assertNull(as(token, "GET", "/api/v1/me/requests/" + id, null).jsonPath().getString("archiveExpiresAt"));
    }

    @Test
    void erasureNeedsARecentSignInAndGivesACancellationCodeThatWorksOnce() {
        FakeKeycloak.User kamau = FakeKeycloak.add("kamau-" + System.nanoTime());
        String stale = TestTokens.person(kamau.id).permissions("own-data:read", "own-data:delete").authAgeSeconds(3600L).sign();
        Response refused = as(stale, "POST", "/api/v1/me/requests", Map.of("type", "erasure"));
        assertEquals(401, refused.statusCode(), refused.asString());
        assertEquals("insufficient_user_authentication", refused.jsonPath().getString("error"));
        String challenge = refused.header("WWW-Authenticate");
        assertTrue(challenge.contains("max_age=300") && !challenge.contains("acr_values"), challenge);
        assertTrue(kamau.enabled, "nothing happened");

        String readOnly = TestTokens.person(kamau.id).permissions("own-data:read").sign();
        assertEquals(403, as(readOnly, "POST", "/api/v1/me/requests", Map.of("type", "erasure")).statusCode());

        String token = person(kamau);
        Response created = as(token, "POST", "/api/v1/me/requests", Map.of("type", "erasure"));
        assertEquals(201, created.statusCode(), created.asString());
        JsonPath r = created.jsonPath();
        assertEquals("scheduled", r.getString("status"));
        assertNotNull(r.getString("erasureAt"));
        String code = r.getString("cancelCode");
        assertTrue(code != null && code.length() == 43, created.asString());
        assertFalse(kamau.enabled, "disabled for the grace period");
        assertNull(as(token, "GET", "/api/v1/me/requests/" + r.getString("id"), null).jsonPath().getString("cancelCode"), "shown once");
        assertEquals("scheduled", as(OFFICER, "GET", "/api/v1/dsr/" + r.getString("id"), null).jsonPath().getString("status"),
                "the officer sees the person's request");

        assertEquals(404, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", "x".repeat(43))).statusCode());
        assertEquals(404, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", "not a code")).statusCode());
        assertEquals(404, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of()).statusCode());
        assertFalse(kamau.enabled, "wrong codes change nothing");

        Response cancelled = as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", code));
        assertEquals(200, cancelled.statusCode(), cancelled.asString());
        assertEquals(Map.of("status", "cancelled"), cancelled.jsonPath().getMap(""), "nothing about the person");
        assertTrue(kamau.enabled, "the account is back");
        JsonPath history = as(OFFICER, "GET", "/api/v1/dsr/" + r.getString("id"), null).jsonPath();
        assertEquals(List.of("received", "scheduled", "cancelled"), history.getList("history.to"));
        assertEquals(kamau.id, history.getString("history[2].actor"));
        assertEquals(404, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", code)).statusCode(), "a code works once");

        Response second = as(token, "POST", "/api/v1/me/requests", Map.of("type", "erasure"));
        assertEquals(201, second.statusCode(), second.asString());
        Response signedIn = as(token, "POST", "/api/v1/me/requests/" + second.jsonPath().getString("id") + "/cancel", null);
        assertEquals(403, signedIn.statusCode(), "held, the account's token acts no more, not even to cancel: " + signedIn.asString());
        assertEquals("account_closed", signedIn.jsonPath().getString("error"));
        assertFalse(kamau.enabled);
        assertEquals(200, as(OFFICER, "POST", "/api/v1/dsr/" + second.jsonPath().getString("id") + "/cancel", Map.of()).statusCode());
        assertTrue(kamau.enabled);
        assertEquals(404, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", second.jsonPath().getString("cancelCode"))).statusCode(),
                "the code dies with its request");

        Response now = as(token, "POST", "/api/v1/me/requests", Map.of("type", "erasure", "graceDays", 0));
        assertEquals(201, now.statusCode(), now.asString());
        assertNull(now.jsonPath().getString("cancelCode"), "nothing to cancel");
        await(token, now.jsonPath().getString("id"), "completed");
        assertEquals(1, kamau.erasures.get());
    }

    @Test
    void thePagesTokensActOnOwnDataOnlyAndStaleOnesGetNoCopy() {
        FakeKeycloak.User officerPerson = FakeKeycloak.add("officer-" + System.nanoTime());
        String pageToken = TestTokens.person(officerPerson.id).azp("kinga-my-data")
                .permissions("own-data:read", "dsr:manage", "connectors:manage").sign();
        Response officerWork = as(pageToken, "GET", "/api/v1/dsr", null);
        assertEquals(403, officerWork.statusCode(), "an officer signed in on the page is not an officer there: " + officerWork.asString());
        assertEquals(403, as(pageToken, "GET", "/api/v1/connectors", null).statusCode());
        assertEquals(200, as(pageToken, "GET", "/api/v1/me/requests", null).statusCode());
        assertEquals(200, as(TestTokens.withPermissions("dsr:manage"), "GET", "/api/v1/dsr", null).statusCode(), "the CLI's token is");

        String fresh = person(officerPerson);
        String id = as(fresh, "POST", "/api/v1/me/requests", Map.of("type", "export")).jsonPath().getString("id");
        await(fresh, id, "completed");
        String stale = TestTokens.person(officerPerson.id).permissions("own-data:read").authAgeSeconds(3600L).sign();
        Response link = as(stale, "POST", "/api/v1/me/requests/" + id + "/archive-link", null);
        assertEquals(401, link.statusCode(), "a browser left signed in gets no copy: " + link.asString());
        assertEquals("insufficient_user_authentication", link.jsonPath().getString("error"));
    }

    @Test
    void aPersonCannotCancelAnOfficersErasureNorAskTooOften() {
        FakeKeycloak.User user = FakeKeycloak.add("held-" + System.nanoTime());
        String id = as(OFFICER, "POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", user.id, "graceDays", 3))
                .jsonPath().getString("id");
        assertFalse(user.enabled);
        Response cancel = as(person(user), "POST", "/api/v1/me/requests/" + id + "/cancel", null);
        assertEquals(403, cancel.statusCode(), "a held account's token acts no more: " + cancel.asString());
        assertFalse(user.enabled, "the officer's erasure stands");
        assertEquals(200, as(OFFICER, "POST", "/api/v1/dsr/" + id + "/cancel", Map.of()).statusCode());
        assertTrue(user.enabled);

        FakeKeycloak.User busy = FakeKeycloak.add("busy-" + System.nanoTime());
        String token = person(busy);
        for (int i = 0; i < MyRequestsResource.EXPORTS_PER_DAY; i++) {
            Response r = as(token, "POST", "/api/v1/me/requests", Map.of("type", "export"));
            assertEquals(201, r.statusCode(), r.asString());
            await(token, r.jsonPath().getString("id"), "completed");
        }
        Response tooMany = as(token, "POST", "/api/v1/me/requests", Map.of("type", "export"));
        assertEquals(429, tooMany.statusCode(), tooMany.asString());
        assertEquals("too_many_exports", tooMany.jsonPath().getString("error"));
    }

    @Test
    void aHeldOrDisabledAccountsTokenIsRefusedAtOnceAndTheRefusalRecorded() {
        // The second review: after asking for erasure with a grace period, the same token still made consents and exports.
        FakeKeycloak.User wairimu = FakeKeycloak.add("wairimu-" + System.nanoTime());
        String token = person(wairimu);
        assertEquals(200, as(token, "GET", "/api/v1/me/consents", null).statusCode(), "open: the account acts");
        Response erasure = as(token, "POST", "/api/v1/me/requests", Map.of("type", "erasure"));
        assertEquals(201, erasure.statusCode(), erasure.asString());
        assertFalse(wairimu.enabled, "held");

        for (String[] call : new String[][]{{"POST", "/api/v1/me/requests", "{\"type\":\"export\"}"},
                {"POST", "/api/v1/me/consents", "{\"purpose\":\"sms\",\"action\":\"grant\",\"version\":1}"},
                {"GET", "/api/v1/me/consents", null}}) {
            Response refused = as(token, call[0], call[1], call[2]);
            assertEquals(403, refused.statusCode(), call[0] + " " + call[1] + ": " + refused.asString());
            assertEquals("account_closed", refused.jsonPath().getString("error"));
        }
        assertEquals("scheduled", as(token, "GET", "/api/v1/me/requests/" + erasure.jsonPath().getString("id"), null)
                .jsonPath().getString("status"), "the page may still show the erasure under way");
        assertEquals(1, as(token, "GET", "/api/v1/me/requests", null).jsonPath().getList("id").size(), "and no new export was made");
        String trail = as(TestTokens.asRole("auditor"), "GET", "/api/v1/audit/records?limit=1000", null).asString();
        assertTrue(trail.contains("SELF_SERVICE_REFUSED") && trail.contains(wairimu.id), "the refusal is in the trail");

        // The cancellation code still works (that is what it is for), and the account acts again at once.
        assertEquals(200, as(null, "POST", "/api/v1/me/cancel-erasure", Map.of("code", erasure.jsonPath().getString("cancelCode"))).statusCode());
        assertEquals(200, as(token, "GET", "/api/v1/me/consents", null).statusCode());

        // Disabled by an admin in Keycloak, or erased there: refused too.
        FakeKeycloak.User disabled = FakeKeycloak.add("disabled-" + System.nanoTime());
        disabled.enabled = false;
        assertEquals("account_closed", as(person(disabled), "GET", "/api/v1/me/consents", null).jsonPath().getString("error"));
        String ghost = TestTokens.person(java.util.UUID.randomUUID().toString()).permissions("own-data:read").sign();
        assertEquals(404, as(ghost, "GET", "/api/v1/me/consents", null).statusCode());
    }

    @Test
    void anErasureForAnAccountKeycloakDoesNotHaveLeavesNothingOpen() {
        String ghost = java.util.UUID.randomUUID().toString();
        String token = TestTokens.person(ghost).permissions("own-data:read", "own-data:delete").sign();
        Response r = as(token, "POST", "/api/v1/me/requests", Map.of("type", "erasure"));
        assertEquals(404, r.statusCode(), r.asString());
        assertEquals("unknown_subject", r.jsonPath().getString("error"));
        assertEquals(List.of(), as(token, "GET", "/api/v1/me/requests", null).jsonPath().getList("status"),
                "refused before any request was made: no erasure left scheduled for no one");
    }

    @Test
    void badSelfServiceRequestsAreRefusedClearly() {
        String token = person(FakeKeycloak.add("bad-" + System.nanoTime()));
        for (Object body : List.of(Map.of("type", "deletion"), Map.of(), Map.of("type", "erasure", "graceDays", -1),
                Map.of("type", "export", "graceDays", 3))) {
            Response r = as(token, "POST", "/api/v1/me/requests", body);
            assertEquals(400, r.statusCode(), body + ": " + r.asString());
            assertEquals("invalid_request", r.jsonPath().getString("error"));
        }
        assertEquals(400, RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{not json").post("/api/v1/me/requests").statusCode());
        assertEquals(401, as(null, "GET", "/api/v1/me/requests", null).statusCode());
        assertEquals(403, as(OFFICER, "GET", "/api/v1/me/requests", null).statusCode(), "an officer's permission is not own-data");
    }

    @Test
    void thePageIsServedWithAStrictPolicyAndItsSignInSettings() {
        Response page = RestAssured.get("/my-data/");
        assertEquals(200, page.statusCode());
        assertTrue(page.asString().contains("/my-data/my-data.js"));
        String policy = page.header("Content-Security-Policy");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self' http://127.0.0.1:")
                && !policy.contains("unsafe-inline"), policy);
        assertEquals(200, RestAssured.get("/my-data").statusCode());
        JsonPath config = RestAssured.get("/my-data/config").jsonPath();
        assertEquals("kinga", config.getString("realm"));
        assertEquals("kinga-my-data", config.getString("clientId"));
        assertEquals(21, config.getInt("erasureGraceDays"));
        assertEquals(200, RestAssured.get("/my-data/messages.js").statusCode());
        assertTrue(RestAssured.get("/my-data/messages.js").asString().contains("Futa akaunti yangu"), "Kiswahili texts");
        assertEquals(404, RestAssured.get("/my-data/../application.properties").statusCode());
        assertEquals(404, RestAssured.get("/my-data/index.html.bak").statusCode());
        assertEquals("default-src 'none'; frame-ancestors 'none'",
                RestAssured.get("/api/v1/me/requests").header("Content-Security-Policy"), "the API keeps its own policy");
    }

    private static JsonPath await(String token, String id, String status) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            JsonPath r = as(token, "GET", "/api/v1/me/requests/" + id, null).jsonPath();
            if (status.equals(r.getString("status")) || Instant.now().isAfter(deadline)) {
                assertEquals(status, r.getString("status"), r.prettify());
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
