package dev.kinga.sidecar.breach.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.signature.RequestSignature;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keycloak's audit records arriving at {@code POST /api/v1/audit/events}: signed or refused, each
 * record once, order and chain checked per realm; security alerts among them triaged by a
 * security officer (acknowledge, resolve with a note, summary), every step in the sidecar's trail.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(dev.kinga.sidecar.dsr.FakeKeycloak.class)
class AlertsTest {

    static final String KEY = "test-audit-intake-key-0123456789abcdef";
    private static final String PATH = "/api/v1/audit/events";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFICER = TestTokens.asRole("security-officer");
    private static final String AUDITOR = TestTokens.asRole("auditor");

    /** A Keycloak trail record as the forwarder sends it. */
    static String record(String id, String realmId, long seq, String type, String prevHash, String hash, Map<String, Object> details) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("realmId", realmId);
        r.put("realm", "realm-" + realmId.substring(0, 4));
        r.put("seq", seq);
        r.put("time", System.currentTimeMillis());
        r.put("type", type);
        r.put("severity", "SECURITY_ALERT".equals(type) ? "CRITICAL" : "INFO");
        r.put("outcome", "DETECTED");
        r.put("actor", Map.of("userId", "actor-" + seq, "ip", "192.0.2." + seq % 250));
        r.put("subject", details.getOrDefault("subjectId", "subject-1"));
        r.put("details", details);
        r.put("prevHash", prevHash);
        r.put("hash", hash);
        try {
            return JSON.writeValueAsString(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Response deliver(String body, String key, long timestamp, String idempotencyKey) {
        String ts = Long.toString(timestamp);
        var request = RestAssured.given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .header(RequestSignature.TIMESTAMP_HEADER, ts)
                .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(key, "POST", PATH, ts, body.getBytes(StandardCharsets.UTF_8)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post(PATH);
    }

    /** Signed at a second of its own within the replay window, as the forwarder signs each attempt afresh. */
    static Response deliver(String id, String body) {
        return deliver(body, KEY, Instant.now().getEpochSecond() - SIGNED.getAndIncrement() % 240, id);
    }

    private static final AtomicLong SIGNED = new AtomicLong();

    private static Response as(String token, String method, String path, Object body) {
        var request = RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    /** An alert record delivered to the intake; the alert's id in the sidecar. */
    static String raise(String realmId, long seq, String rule, String subjectId) {
        String id = UUID.randomUUID().toString();
        Response taken = deliver(id, record(id, realmId, seq, "SECURITY_ALERT", null, "h" + seq,
                Map.of("rule", rule, "summary", "5 failed logins for one account within 300 s", "subjectId", subjectId)));
        assertEquals(200, taken.statusCode(), taken.asString());
        return taken.jsonPath().getString("alertId");
    }

    @Test
    void onlySignedFreshDeliveriesOfTheRecordNamedAreTaken() {
        String realm = UUID.randomUUID().toString();
        String id = UUID.randomUUID().toString();
        String body = record(id, realm, 1, "LOGIN", "genesis", "h1", Map.of());
        long now = Instant.now().getEpochSecond();

        Response unsigned = RestAssured.given().contentType("application/json").header("Idempotency-Key", id).body(body).post(PATH);
        assertEquals(401, unsigned.statusCode());
        assertEquals("invalid_signature", unsigned.jsonPath().getString("error"));
        assertEquals(401, deliver(body, "another-key-that-is-long-enough-0123456789", now, id).statusCode(), "someone else's key");
        assertEquals(401, deliver(body, KEY, now - 600, id).statusCode(), "a delivery signed ten minutes ago (a replay)");
        String tampered = body.replace("\"LOGIN\"", "\"LOGOUT\"");
        String ts = Long.toString(now);
        Response altered = RestAssured.given().contentType("application/json").body(tampered).header("Idempotency-Key", id)
                .header(RequestSignature.TIMESTAMP_HEADER, ts)
                .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(KEY, "POST", PATH, ts, body.getBytes(StandardCharsets.UTF_8)))
                .post(PATH);
        assertEquals(401, altered.statusCode(), "the body is signed");
        Response wrongKey = deliver(body, KEY, now - 1, UUID.randomUUID().toString());
        assertEquals(400, wrongKey.statusCode(), "Idempotency-Key must name the record");
        assertEquals(400, deliver("{\"id\":\"x\"}", KEY, now, "x").statusCode(), "not a whole record");
        Response notRecords = deliver("[1,2]", KEY, now, null);
        assertEquals(422, notRecords.statusCode(), "a batch whose first item is not a record");
        assertEquals(0, notRecords.jsonPath().getInt("index"));
        assertEquals(0, notRecords.jsonPath().getList("taken").size());
        assertEquals(0, intake(realm).size(), "nothing refused was taken");

        Response taken = deliver(body, KEY, now, id);
        assertEquals(200, taken.statusCode(), taken.asString());
        assertFalse(taken.jsonPath().getBoolean("duplicate"));
        Response again = deliver(body, KEY, now + 1, id);
        assertEquals(200, again.statusCode(), "a second delivery (signed afresh) is answered, so the forwarder stops retrying");
        assertTrue(again.jsonPath().getBoolean("duplicate"));
        Response replayed = deliver(body, KEY, now + 1, id);
        assertEquals(409, replayed.statusCode(), "the same signed delivery again is a replay");
        assertEquals("replayed", replayed.jsonPath().getString("error"));
        JsonPath stats = intake(realm).get(0);
        assertEquals(1, stats.getLong("records"));
        assertEquals(1, stats.getLong("duplicates"));
    }

    @Test
    void aBatchIsTakenInOrderUpToItsFirstBrokenRecordAndEachRecordOnlyOnce() {
        String realm = UUID.randomUUID().toString();
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        String first = "[" + record(ids.get(0), realm, 1, "LOGIN", "genesis", "h1", Map.of()) + ","
                + record(ids.get(1), realm, 2, "LOGIN", "h1", "h2", Map.of()) + "]";
        long now = Instant.now().getEpochSecond();
        Response taken = deliver(first, KEY, now, null);
        assertEquals(200, taken.statusCode(), taken.asString());
        assertEquals(ids.subList(0, 2), taken.jsonPath().getList("taken.recordId"));
        assertEquals(List.of(false, false), taken.jsonPath().getList("taken.duplicate"));

        // Delivered again with the next record after it and a broken one at the end: 1 and 2 are
        // duplicates, 3 is taken, the broken one is refused by its index and nothing after it is taken.
        String alert = UUID.randomUUID().toString();
        String second = "[" + record(ids.get(0), realm, 1, "LOGIN", "genesis", "h1", Map.of()) + ","
                + record(ids.get(1), realm, 2, "LOGIN", "h1", "h2", Map.of()) + ","
                + record(ids.get(2), realm, 3, "LOGIN", "h2", "h3", Map.of()) + ","
                + record("broken", realm, 0, "LOGIN", "h3", "h4", Map.of()) + ","
                + record(alert, realm, 5, "SECURITY_ALERT", "h4", "h5", Map.of("rule", "after-the-broken-one")) + "]";
        Response partly = deliver(second, KEY, now, null);
        assertEquals(422, partly.statusCode(), partly.asString());
        assertEquals("invalid_record", partly.jsonPath().getString("error"));
        assertEquals(3, partly.jsonPath().getInt("index"), "the fourth record has no valid seq");
        assertTrue(partly.jsonPath().getString("error_description").contains("seq"), partly.asString());
        assertEquals(List.of(true, true, false), partly.jsonPath().getList("taken.duplicate"));
        JsonPath stats = intake(realm).get(0);
        assertEquals(3, stats.getLong("records"));
        assertEquals(2, stats.getLong("duplicates"));
        assertEquals(3, stats.getLong("lastSeq"), "nothing after the broken record");
        assertEquals(0, stats.getLong("chainBreaks"));

        assertEquals(400, deliver("[]", KEY, now, null).statusCode(), "an empty batch");
        String otherRealm = UUID.randomUUID().toString();
        String mixed = "[" + record(UUID.randomUUID().toString(), realm, 4, "LOGIN", "h3", "h4", Map.of()) + ","
                + record(UUID.randomUUID().toString(), otherRealm, 1, "LOGIN", "genesis", "h1", Map.of()) + "]";
        Response twoRealms = deliver(mixed, KEY, now, null);
        assertEquals(400, twoRealms.statusCode(), "a batch holds one realm's records");
        assertEquals(0, intake(otherRealm).size());
        StringBuilder tooMany = new StringBuilder("[");
        for (int i = 0; i <= AuditIntakeResource.MAX_BATCH; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{}");
        }
        assertEquals(400, deliver(tooMany.append("]").toString(), KEY, now, null).statusCode(), "more than a batch holds");
        String unsigned = "[" + record(UUID.randomUUID().toString(), realm, 4, "LOGIN", "h3", "h4", Map.of()) + "]";
        assertEquals(401, RestAssured.given().contentType("application/json").body(unsigned).post(PATH).statusCode());
        assertEquals(3, intake(realm).get(0).getLong("records"), "nothing refused was taken");
    }

    @Test
    void keycloakAsksTheSinkForTheLastRecordAndTheNewestAnchorItHolds() {
        String realm = UUID.randomUUID().toString();
        String view = "/api/v1/audit/events/realms/" + realm;
        assertEquals(0, sinkView(view, KEY).jsonPath().getLong("lastSeq"), "nothing received yet");
        String[] types = {"LOGIN", "AUDIT_ANCHOR", "LOGIN", "LOGIN_RETYPED", "LOGIN"};
        for (int seq = 1; seq <= types.length; seq++) {
            String id = UUID.randomUUID().toString();
            Map<String, Object> details = seq == 4 ? Map.of("anchoredSeq", 3, "anchoredHash", "h3") : Map.of();
            assertEquals(200, deliver(id, record(id, realm, seq, types[seq - 1], "h" + (seq - 1), "h" + seq, details)).statusCode());
        }
        Response answer = sinkView(view, KEY);
        assertEquals(200, answer.statusCode(), answer.asString());
        assertEquals(5, answer.jsonPath().getLong("lastSeq"));
        assertEquals("h5", answer.jsonPath().getString("lastHash"));
        assertEquals(4, answer.jsonPath().getLong("lastAnchorSeq"), "an anchor is known by its fields as well as its type");
        assertEquals("h4", answer.jsonPath().getString("lastAnchorHash"));
        assertNull(answer.jsonPath().get("firstBreakSeq"), "an unbroken chain");

        assertEquals(401, RestAssured.given().get(view).statusCode(), "unsigned");
        assertEquals(401, sinkView(view, "another-key-that-is-long-enough-0123456789").statusCode(), "someone else's key");
        String ts = Long.toString(Instant.now().getEpochSecond());
        assertEquals(401, RestAssured.given().header(RequestSignature.TIMESTAMP_HEADER, ts)
                .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(KEY, "GET", "/api/v1/audit/events/realms/other", ts, new byte[0]))
                .get(view).statusCode(), "signed for another realm's path");
    }

    @Test
    void aRecordMissingAtTheSinkIsAHoleUntilItArrivesAndALateOneIsCheckedAgainstItsNeighbours() {
        String realm = UUID.randomUUID().toString();
        String view = "/api/v1/audit/events/realms/" + realm;
        for (long seq : new long[]{1, 2, 4, 5}) {
            String id = UUID.randomUUID().toString();
            assertEquals(200, deliver(id, record(id, realm, seq, "LOGIN", "h" + (seq - 1), "h" + seq, Map.of())).statusCode());
        }
        JsonPath holed = sinkView(view, KEY).jsonPath();
        assertEquals(3, holed.getLong("firstHoleSeq"), "3 never arrived");
        assertNotNull(holed.getString("holeSince"));
        assertNull(holed.get("firstBreakSeq"), "nothing after the hole could be linked, nothing broke");

        // 3 arrives late, but not the 3 the chain had: it does not lead to 4.
        String late = UUID.randomUUID().toString();
        assertEquals(200, deliver(late, record(late, realm, 3, "LOGIN", "h2", "forged-h3", Map.of())).statusCode());
        JsonPath filled = sinkView(view, KEY).jsonPath();
        assertNull(filled.get("firstHoleSeq"), "filled");
        assertEquals(4, filled.getLong("firstBreakSeq"), "4 does not continue the 3 that arrived");
    }

    private static Response sinkView(String path, String key) {
        String ts = Long.toString(Instant.now().getEpochSecond());
        return RestAssured.given().header(RequestSignature.TIMESTAMP_HEADER, ts)
                .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(key, "GET", path, ts, new byte[0])).get(path);
    }

    @Test
    void eachRealmsGapsLateRecordsAndBrokenLinksAreCounted() {
        String realm = UUID.randomUUID().toString();
        for (long seq : new long[]{1, 2, 4, 3}) {
            String id = UUID.randomUUID().toString();
            String prev = seq == 2 ? "not-h1" : "h" + (seq - 1);
            assertEquals(200, deliver(id, record(id, realm, seq, "LOGIN", prev, "h" + seq, Map.of())).statusCode());
        }
        JsonPath stats = intake(realm).get(0);
        assertEquals(4, stats.getLong("lastSeq"));
        assertEquals(4, stats.getLong("records"));
        assertEquals(1, stats.getLong("gaps"), "4 came after 2");
        assertEquals(1, stats.getLong("outOfOrder"), "3 came after 4");
        assertEquals(1, stats.getLong("chainBreaks"), "2 did not continue 1");
        assertEquals(2, stats.getLong("firstBreakSeq"), "and where, for Keycloak's verify");
        assertEquals(403, as(TestTokens.withPermissions("security-alerts:read"), "GET", "/api/v1/audit/intake", null).statusCode());
    }

    @Test
    void anAlertIsAcknowledgedThenResolvedWithANoteAndCounted() {
        String realm = UUID.randomUUID().toString();
        String subject = UUID.randomUUID().toString();
        String alert = raise(realm, 1, "failed-logins", subject);
        assertNotNull(alert);
        String other = raise(realm, 2, "credential-stuffing", UUID.randomUUID().toString());

        JsonPath open = as(OFFICER, "GET", "/api/v1/alerts?state=open&subject=" + subject, null).jsonPath();
        assertEquals(List.of(alert), open.getList("id"), "the alert, once");
        assertEquals("failed-logins", open.getString("[0].rule"));
        assertEquals("CRITICAL", open.getString("[0].severity"));

        assertEquals(403, as(AUDITOR, "POST", "/api/v1/alerts/" + alert + "/acknowledge", Map.of()).statusCode(), "auditors only read");
        assertEquals(200, as(AUDITOR, "GET", "/api/v1/alerts/" + alert, null).statusCode());
        Response acked = as(OFFICER, "POST", "/api/v1/alerts/" + alert + "/acknowledge", Map.of("note", "looking into it"));
        assertEquals(200, acked.statusCode(), acked.asString());
        assertEquals("acknowledged", acked.jsonPath().getString("state"));
        assertNotNull(acked.jsonPath().getString("acknowledgedAt"));
        Response twice = as(OFFICER, "POST", "/api/v1/alerts/" + alert + "/acknowledge", Map.of());
        assertEquals(409, twice.statusCode());
        assertEquals("illegal_transition", twice.jsonPath().getString("error"));

        Response noNote = as(OFFICER, "POST", "/api/v1/alerts/" + alert + "/resolve", Map.of());
        assertEquals(400, noNote.statusCode());
        assertTrue(noNote.jsonPath().getString("error_description").contains("note"));
        Response resolved = as(OFFICER, "POST", "/api/v1/alerts/" + alert + "/resolve", Map.of("note", "the person mistyped; no attack"));
        assertEquals("resolved", resolved.jsonPath().getString("state"));
        assertEquals("the person mistyped; no attack", resolved.jsonPath().getString("note"));
        assertEquals(409, as(OFFICER, "POST", "/api/v1/alerts/" + alert + "/resolve", Map.of("note", "again")).statusCode());
        Response resolvedDirectly = as(OFFICER, "POST", "/api/v1/alerts/" + other + "/resolve", Map.of("note", "a test by the red team"));
        assertNotNull(resolvedDirectly.jsonPath().getString("acknowledgedAt"), "resolving acknowledges");

        assertEquals(404, as(OFFICER, "GET", "/api/v1/alerts/" + UUID.randomUUID(), null).statusCode());
        assertEquals("unknown_alert", as(OFFICER, "POST", "/api/v1/alerts/nope/acknowledge", Map.of()).jsonPath().getString("error"));
        assertEquals(400, as(OFFICER, "GET", "/api/v1/alerts?state=closed", null).statusCode());
        assertEquals(400, as(OFFICER, "GET", "/api/v1/alerts?since=yesterday", null).statusCode());

        JsonPath summary = as(OFFICER, "GET", "/api/v1/alerts/summary", null).jsonPath();
        assertTrue(summary.getInt("byRule.failed-logins") >= 1);
        assertTrue(summary.getInt("byState.resolved") >= 2);
        assertTrue(summary.getInt("timeToAcknowledge.count") >= 2);
        assertNotNull(summary.get("timeToAcknowledge.medianSeconds"));

        String trail = as(TestTokens.asRole("auditor"), "GET", "/api/v1/audit/records?limit=1000", null).asString();
        assertTrue(trail.contains("ALERT_ACKNOWLEDGED") && trail.contains("ALERT_RESOLVED") && trail.contains(alert), "in the trail");
        assertFalse(trail.contains("the person mistyped"), "notes stay with the alert, not the trail");
    }

    @Test
    void anErasedPersonsAddressLeavesTheAlertsAboutThem() {
        String subject = UUID.randomUUID().toString();
        String alert = raise(UUID.randomUUID().toString(), 1, "failed-logins", subject);
        assertNotNull(as(OFFICER, "GET", "/api/v1/alerts/" + alert, null).jsonPath().getString("actorIp"));
        io.quarkus.arc.Arc.container().instance(AlertsOfSubject.class).get().erase(subject);
        JsonPath after = as(OFFICER, "GET", "/api/v1/alerts/" + alert, null).jsonPath();
        assertNull(after.getString("actorIp"));
        assertEquals("failed-logins", after.getString("rule"), "the alert stays");
    }

    @Test
    void anAlertDeliveredAgainAfterItsIdWasForgottenIsStillOneAlert() {
        String realm = UUID.randomUUID().toString();
        String id = UUID.randomUUID().toString();
        String body = record(id, realm, 1, "SECURITY_ALERT", null, "h1", Map.of("rule", "failed-logins", "summary", "nul\u0000inside"));
        Response first = deliver(id, body);
        assertEquals(200, first.statusCode(), "a NUL in a text is no reason to refuse: " + first.asString());
        String alert = first.jsonPath().getString("alertId");
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> io.quarkus.arc.Arc.container()
                .instance(jakarta.persistence.EntityManager.class).get()
                .createQuery("delete from IntakeRecord r where r.recordId = :id").setParameter("id", id).executeUpdate());
        Response again = deliver(id, body);
        assertEquals(200, again.statusCode(), again.asString());
        assertEquals(alert, again.jsonPath().getString("alertId"));
        assertEquals(1, as(OFFICER, "GET", "/api/v1/alerts?realm=" + realm, null).jsonPath().getList("id").size());
    }

    private static List<JsonPath> intake(String realmId) {
        JsonPath all = as(AUDITOR, "GET", "/api/v1/audit/intake", null).jsonPath();
        List<Map<String, Object>> realms = all.getList("$");
        return realms.stream().filter(r -> realmId.equals(r.get("realmId")))
                .map(r -> new JsonPath(toJson(r))).toList();
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
