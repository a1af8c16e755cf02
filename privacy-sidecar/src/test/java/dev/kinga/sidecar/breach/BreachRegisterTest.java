package dev.kinga.sidecar.breach;

import dev.kinga.sidecar.breach.alert.AlertsTestSupport;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The breach register: incidents by hand or from alerts, the enforced workflow, the 72-hour clock
 * (moved by the test), late notification with reasons, information in phases, Art. 34(3)
 * exceptions as choices, history with actors, export, and clear errors for bad input.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(dev.kinga.sidecar.dsr.FakeKeycloak.class)
class BreachRegisterTest {

    private static final String DPO = TestTokens.token().subject("dpo-" + UUID.randomUUID()).permissions("breach:manage", "breach:read",
            "security-alerts:read", "security-alerts:manage", "audit:read").sign();
    private static final String AUDITOR = TestTokens.asRole("auditor");

    /** The register's clock, which a test moves. */
    static final class MovableClock extends BreachClock {
        private Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        @Override
        public Instant now() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private MovableClock clock;

    @BeforeEach
    void installClock() {
        clock = new MovableClock();
        QuarkusMock.installMockForType(clock, BreachClock.class);
    }

    static Response as(String token, String method, String path, Object body) {
        var request = RestAssured.given().header("Authorization", "Bearer " + token).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    /** Everything the authority must be told. */
    static Map<String, Object> complete(Instant awareAt) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", "Therapy notes exported by a former contractor");
        body.put("awareAt", awareAt.toString());
        body.put("detectedAt", awareAt.toString());
        body.put("risk", "high");
        body.put("nature", "A contractor's account kept access after the contract ended and exported therapy notes.");
        body.put("subjectCategories", List.of("clients", "patients"));
        body.put("approxSubjects", 120);
        body.put("dataCategories", List.of("therapy notes", "contact details"));
        body.put("approxRecords", 840);
        body.put("specialCategories", true);
        body.put("contactPoint", "Data Protection Officer, dpo@example.org, +254 700 000 000");
        body.put("likelyConsequences", "Distress and possible stigma if the notes are shared.");
        body.put("measuresTaken", "The account was disabled and the export link revoked.");
        body.put("recommendations", "Be wary of messages that mention your therapy; tell us about any.");
        return body;
    }

    static String create(Map<String, Object> body) {
        Response created = as(DPO, "POST", "/api/v1/breaches", body);
        assertEquals(201, created.statusCode(), created.asString());
        return created.jsonPath().getString("id");
    }

    private static Response transition(String id, Map<String, Object> body) {
        return as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", body);
    }

    @Test
    void theClockReads72HoursFromAwarenessAndFlagsOverdueAfterIt() {
        Instant aware = clock.now().minus(Duration.ofHours(1));
        String id = create(complete(aware));
        JsonPath view = as(DPO, "GET", "/api/v1/breaches/" + id, null).jsonPath();
        assertTrue(view.getString("reference").matches("BR-\\d{4}-\\d{4}"), view.getString("reference"));
        assertEquals(aware.plus(Duration.ofHours(72)).toString(), view.getString("clock.authorityDueAt"));
        assertEquals(71 * 3600L, view.getLong("clock.secondsLeft"));
        assertFalse(view.getBoolean("clock.overdue"));
        assertFalse(pendingIds().contains(id), "71 hours left: not pending yet");

        clock.advance(Duration.ofHours(60)); // 11 hours left
        JsonPath soon = as(DPO, "GET", "/api/v1/breaches/" + id, null).jsonPath();
        assertTrue(soon.getBoolean("clock.dueSoon"));
        assertFalse(soon.getBoolean("clock.overdue"));
        assertTrue(pendingIds().contains(id), "due within 12 hours");

        clock.advance(Duration.ofHours(12)); // one hour past
        JsonPath late = as(DPO, "GET", "/api/v1/breaches/" + id, null).jsonPath();
        assertTrue(late.getBoolean("clock.overdue"));
        assertEquals(-3600L, late.getLong("clock.secondsLeft"));
        assertTrue(pendingIds().contains(id), "overdue");

        Response noReasons = transition(id, Map.of("to", "notified_authority"));
        assertEquals(422, noReasons.statusCode(), noReasons.asString());
        assertEquals("delay_reasons_required", noReasons.jsonPath().getString("error"));
        Response withReasons = transition(id, Map.of("to", "notified_authority", "authorityReference", "ODPC/2026/123",
                "delayReasons", "The contractor's logs took two days to obtain from the hosting provider."));
        assertEquals(200, withReasons.statusCode(), withReasons.asString());
        assertTrue(withReasons.jsonPath().getBoolean("clock.notifiedLate"));
        assertEquals("ODPC/2026/123", withReasons.jsonPath().getString("notification.authorityReference"));
        assertFalse(pendingIds().contains(id), "notified: no longer pending");
    }

    @Test
    void aProcessorsRegisterCountsFortyEightHoursToTheController() {
        // The register's role is configuration; the clock's arithmetic for a processor is checked on an incident made as one.
        BreachIncident incident = new BreachIncident();
        incident.registerRole = "processor";
        incident.awareAt = Instant.parse("2026-12-01T08:00:00Z");
        incident.status = BreachStatus.INVESTIGATING;
        assertEquals(Instant.parse("2026-12-03T08:00:00Z"), Deadlines.dueAt(incident));
        assertEquals(Instant.parse("2026-12-04T08:00:00Z"), Deadlines.authorityDueAt(incident));
        assertTrue(Deadlines.overdue(incident, Instant.parse("2026-12-03T08:00:01Z")));
        assertEquals("controller", Deadlines.party(incident));
    }

    @Test
    void theWorkflowRefusesIllegalStepsAndNamesTheAllowedOnes() {
        String id = create(complete(clock.now()));
        Response skip = transition(id, Map.of("to", "resolved"));
        assertEquals(409, skip.statusCode());
        assertEquals("illegal_transition", skip.jsonPath().getString("error"));
        assertTrue(skip.jsonPath().getString("error_description").contains("contained, investigating, notified_authority, not_notifiable"),
                skip.jsonPath().getString("error_description"));
        assertEquals(200, transition(id, Map.of("to", "contained", "note", "account disabled")).statusCode());
        assertEquals(409, transition(id, Map.of("to", "detected")).statusCode(), "no way back");
        assertEquals(200, transition(id, Map.of("to", "investigating")).statusCode());
        Response notNotifiable = transition(id, Map.of("to", "not_notifiable", "reason", "encrypted laptop"));
        assertEquals(409, notNotifiable.statusCode(), "a high risk is notifiable");
        assertEquals("notifiable", notNotifiable.jsonPath().getString("error"));
        assertEquals(400, transition(id, Map.of("to", "paused")).statusCode());
        assertEquals(400, transition(id, Map.of("to", "notified_authority", "at", clock.now().plus(Duration.ofDays(1)).toString()))
                .statusCode(), "a notification in the future");

        assertEquals(200, transition(id, Map.of("to", "notified_authority")).statusCode());
        Response frozen = as(DPO, "PATCH", "/api/v1/breaches/" + id, Map.of("approxSubjects", 150));
        assertEquals(409, frozen.statusCode(), "what the authority was told is not overwritten");
        assertEquals("notified_fields_frozen", frozen.jsonPath().getString("error"));
        Response phase = as(DPO, "POST", "/api/v1/breaches/" + id + "/information",
                Map.of("text", "Further analysis: 150 clients, not 120.", "fields", Map.of("approxSubjects", 150)));
        assertEquals(201, phase.statusCode(), phase.asString());
        assertEquals(120, phase.jsonPath().getInt("approxSubjects"), "the notified figure stays");
        assertEquals(150, phase.jsonPath().getInt("phases[0].fields.approxSubjects"));
        assertEquals(200, as(DPO, "PATCH", "/api/v1/breaches/" + id, Map.of("rootCause", "offboarding missed the contractor")).statusCode(),
                "findings can still be written");

        Response unresolvable = transition(id, Map.of("to", "resolved"));
        assertEquals(422, unresolvable.statusCode(), "no remediation recorded yet");
        as(DPO, "PATCH", "/api/v1/breaches/" + id, Map.of("remediationSteps", "Offboarding now revokes contractors' access on their last day."));
        Response highRisk = transition(id, Map.of("to", "resolved"));
        assertEquals(409, highRisk.statusCode(), "high risk: the people must be told first");
        assertEquals("users_not_notified", highRisk.jsonPath().getString("error"));
        Response users = transition(id, Map.of("to", "notified_users"));
        assertEquals(409, users.statusCode(), "no notice was sent");
        assertEquals("notices_outstanding", users.jsonPath().getString("error"));

        assertEquals(400, as(DPO, "POST", "/api/v1/breaches/" + id + "/user-notice-exception", Map.of("exception", "too busy", "note", "x"))
                .statusCode(), "Art. 34(3) grounds are choices, not free text");
        Response noPublicNotice = as(DPO, "POST", "/api/v1/breaches/" + id + "/user-notice-exception",
                Map.of("exception", "disproportionate_effort", "note", "contact details were not kept"));
        assertEquals(422, noPublicNotice.statusCode());
        Response exception = as(DPO, "POST", "/api/v1/breaches/" + id + "/user-notice-exception",
                Map.of("exception", "risk_no_longer_likely", "note", "The notes were recovered and deleted under a court order."));
        assertEquals(200, exception.statusCode(), exception.asString());
        assertEquals("risk_no_longer_likely", exception.jsonPath().getString("notification.userNoticeException"));
        Response resolved = transition(id, Map.of("to", "resolved"));
        assertEquals(200, resolved.statusCode(), resolved.asString());
        assertEquals(List.of(), resolved.jsonPath().getList("allowedNext"));
        assertEquals(409, as(DPO, "PATCH", "/api/v1/breaches/" + id, Map.of("lessonsLearned", "late")).statusCode(), "resolved is final");

        JsonPath history = as(AUDITOR, "GET", "/api/v1/breaches/" + id + "/history", null).jsonPath();
        assertEquals(List.of("created", "status", "status", "status", "information", "updated", "updated", "user_notice_exception", "status"),
                history.getList("kind"));
        assertTrue(history.getList("actor").stream().allMatch(TestTokens.subjectOf(DPO)::equals), "every change names its actor");
        assertEquals("notified_authority", history.getString("[3].details.to"));
        assertEquals("offboarding missed the contractor", history.getString("[5].details.fields.rootCause.to"));
        String trail = as(AUDITOR, "GET", "/api/v1/audit/records?limit=1000", null).asString();
        assertTrue(trail.contains("BREACH_CREATED") && trail.contains("BREACH_STATUS") && trail.contains("BREACH_INFORMATION"), "in the trail");
    }

    @Test
    void theAuthorityMustGetEveryArticle33FieldAndANotNotifiableDecisionItsReason() {
        Map<String, Object> partial = new HashMap<>(Map.of("title", "Lost phone", "awareAt", clock.now().toString(), "risk", "risk"));
        String id = create(partial);
        Response missing = transition(id, Map.of("to", "notified_authority"));
        assertEquals(422, missing.statusCode());
        assertEquals("missing_fields", missing.jsonPath().getString("error"));
        String description = missing.jsonPath().getString("error_description");
        for (String field : List.of("nature", "subjectCategories", "approxSubjects", "dataCategories", "approxRecords", "contactPoint",
                "likelyConsequences", "measuresTaken")) {
            assertTrue(description.contains(field), description);
        }

        String minor = create(new HashMap<>(Map.of("title", "Mail to the wrong colleague", "awareAt", clock.now().toString(),
                "risk", "unlikely")));
        assertEquals(422, transition(minor, Map.of("to", "not_notifiable")).statusCode(), "the decision needs its reason");
        Response decided = transition(minor, Map.of("to", "not_notifiable",
                "reason", "Sent to a colleague bound by confidentiality, who deleted it at once."));
        assertEquals(200, decided.statusCode());
        assertEquals("not_notifiable", decided.jsonPath().getString("status"));
        assertFalse(decided.jsonPath().getBoolean("clock.overdue"));
    }

    @Test
    void anIncidentPromotedFromAlertsLinksAndAcknowledgesThem() {
        String first = AlertsTestSupport.raise("failed-logins");
        String second = AlertsTestSupport.raise("credential-stuffing");
        Map<String, Object> body = complete(clock.now());
        body.put("alertIds", List.of(first, second));
        String id = create(body);
        JsonPath view = as(DPO, "GET", "/api/v1/breaches/" + id, null).jsonPath();
        assertEquals(List.of(first, second), view.getList("alertIds"));
        JsonPath alert = as(DPO, "GET", "/api/v1/alerts/" + first, null).jsonPath();
        assertEquals(id, alert.getString("incidentId"));
        assertEquals("acknowledged", alert.getString("state"));
        Response elsewhere = as(DPO, "POST", "/api/v1/breaches", new HashMap<>(Map.of("title", "Another", "awareAt", clock.now().toString(),
                "alertIds", List.of(first))));
        assertEquals(409, elsewhere.statusCode(), "an alert belongs to one incident");
        assertEquals("alert_linked", elsewhere.jsonPath().getString("error"));
        String third = AlertsTestSupport.raise("privileged-role-granted");
        Map<String, Object> byPrivacyOfficer = complete(clock.now());
        byPrivacyOfficer.put("alertIds", List.of(third));
        assertEquals(201, as(TestTokens.asRole("privacy-officer"), "POST", "/api/v1/breaches", byPrivacyOfficer).statusCode());
        assertEquals("open", as(DPO, "GET", "/api/v1/alerts/" + third, null).jsonPath().getString("state"),
                "only a security officer's link takes an alert out of the triage queue");
        Map<String, Object> unknown = complete(clock.now());
        unknown.put("alertIds", List.of(UUID.randomUUID().toString()));
        Response refused = as(DPO, "POST", "/api/v1/breaches", unknown);
        assertEquals(404, refused.statusCode());
        assertEquals("unknown_alert", refused.jsonPath().getString("error"));
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        int before = as(AUDITOR, "GET", "/api/v1/breaches?max=1000", null).jsonPath().getList("id").size();
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("awareAt", clock.now().toString())).statusCode(), "no title");
        Response future = as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().plus(Duration.ofDays(2)).toString()));
        assertEquals(400, future.statusCode());
        assertTrue(future.jsonPath().getString("error_description").contains("awareAt is in the future"));
        Response typo = as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().toString(), "natrue", "y"));
        assertEquals(400, typo.statusCode());
        assertTrue(typo.jsonPath().getString("error_description").contains("natrue"));
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", "last tuesday")).statusCode());
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().toString(),
                "approxSubjects", -1)).statusCode());
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().toString(),
                "occurredAt", clock.now().toString(), "detectedAt", clock.now().minusSeconds(60).toString())).statusCode(),
                "it cannot have occurred after it was detected");
        Response huge = as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().toString(),
                "nature", "x".repeat(10 * 1024 * 1024)));
        assertEquals(413, huge.statusCode());
        assertEquals("request_too_large", huge.jsonPath().getString("error"));
        Response unknown = as(DPO, "GET", "/api/v1/breaches/" + UUID.randomUUID(), null);
        assertEquals(404, unknown.statusCode());
        assertEquals("unknown_incident", unknown.jsonPath().getString("error"));
        assertEquals(404, transition(UUID.randomUUID().toString(), Map.of("to", "contained")).statusCode());
        assertEquals(403, as(AUDITOR, "POST", "/api/v1/breaches", complete(clock.now())).statusCode(), "auditors read only");
        assertEquals(before, as(AUDITOR, "GET", "/api/v1/breaches?max=1000", null).jsonPath().getList("id").size(), "nothing was created");
    }

    @Test
    void theRegisterExportsAsJsonAndCsvWithoutRunningFormulas() {
        Map<String, Object> body = complete(clock.now());
        body.put("title", "=HYPERLINK(\"http://evil\",\"x\")");
        String id = create(body);
        String reference = as(DPO, "GET", "/api/v1/breaches/" + id, null).jsonPath().getString("reference");
        Response csv = RestAssured.given().header("Authorization", "Bearer " + AUDITOR).get("/api/v1/breaches/export?format=csv");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.contentType().startsWith("text/csv"));
        String text = csv.asString();
        assertTrue(text.startsWith("\"reference\",\"status\",\"registerRole\",\"title\""), text.substring(0, 80));
        String row = text.lines().filter(l -> l.startsWith("\"" + reference + "\"")).findFirst().orElseThrow();
        assertTrue(row.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), row);
        assertTrue(row.contains("\"clients; patients\""), row);
        JsonPath json = as(AUDITOR, "GET", "/api/v1/breaches/export", null).jsonPath();
        assertNotNull(json.getString("exportedAt"));
        assertTrue(json.getList("incidents.reference").contains(reference));
        assertEquals(400, as(AUDITOR, "GET", "/api/v1/breaches/export?format=xlsx", null).statusCode());
    }

    @Test
    void whatWasNotifiedOrDecidedCannotBeTalkedDownAfterwards() {
        // (a) notified with a high risk; the risk is then kept, and people must be told before resolving.
        String high = create(complete(clock.now()));
        assertEquals(200, transition(high, Map.of("to", "notified_authority")).statusCode());
        Response lowered = as(DPO, "PATCH", "/api/v1/breaches/" + high, Map.of("risk", "risk"));
        assertEquals(409, lowered.statusCode());
        assertEquals("notified_fields_frozen", lowered.jsonPath().getString("error"));
        // (b) decided not notifiable as unlikely; the assessment cannot be raised afterwards to close it quietly.
        String minor = create(new HashMap<>(Map.of("title", "Wrong recipient", "awareAt", clock.now().toString(), "risk", "unlikely")));
        assertEquals(200, transition(minor, Map.of("to", "not_notifiable", "reason", "sent to our own auditor")).statusCode());
        assertEquals(409, as(DPO, "PATCH", "/api/v1/breaches/" + minor, Map.of("risk", "high")).statusCode());
        // The clock cannot be moved later, nor a late notification dated before the deadline without the authority's reference.
        Instant aware = clock.now().minus(Duration.ofHours(2));
        String late = create(complete(aware));
        Response later = as(DPO, "PATCH", "/api/v1/breaches/" + late, Map.of("awareAt", aware.plus(Duration.ofHours(1)).toString()));
        assertEquals(409, later.statusCode());
        assertEquals("aware_at_later", later.jsonPath().getString("error"));
        assertEquals(200, as(DPO, "PATCH", "/api/v1/breaches/" + late, Map.of("awareAt", aware.minus(Duration.ofHours(1)).toString()))
                .statusCode(), "earlier is the careful direction");
        clock.advance(Duration.ofHours(100)); // 103 hours after the (earlier) awareness
        String backdated = aware.plus(Duration.ofHours(60)).toString();
        Response claimed = transition(late, Map.of("to", "notified_authority", "at", backdated));
        assertEquals(422, claimed.statusCode(), claimed.asString());
        assertEquals("evidence_required", claimed.jsonPath().getString("error"));
        Response evidenced = transition(late, Map.of("to", "notified_authority", "at", backdated, "authorityReference", "ODPC/2026/77"));
        assertEquals(200, evidenced.statusCode(), evidenced.asString());
        assertFalse(evidenced.jsonPath().getBoolean("clock.notifiedLate"));
        // A resolved incident takes nothing more.
        as(DPO, "PATCH", "/api/v1/breaches/" + minor, Map.of("rootCause", "autocomplete", "remediationSteps", "autocomplete off"));
        assertEquals(200, transition(minor, Map.of("to", "resolved")).statusCode());
        assertEquals(409, as(DPO, "POST", "/api/v1/breaches/" + minor + "/information", Map.of("text", "more")).statusCode());
        assertEquals(409, as(DPO, "POST", "/api/v1/breaches/" + minor + "/notices/retry", null).statusCode());
    }

    @Test
    void controlCharactersAndImpossibleDatesAreRefused() {
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("title", "bad\u0000title", "awareAt", clock.now().toString())).statusCode());
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", "-999999999-01-01T00:00:00Z")).statusCode());
        assertEquals(400, as(DPO, "GET", "/api/v1/alerts?since=%2B1000000000-01-01T00:00:00Z", null).statusCode());
        Response list = as(DPO, "POST", "/api/v1/breaches", Map.of("title", "x", "awareAt", clock.now().toString(),
                "dataCategories", java.util.Collections.nCopies(50, "\"".repeat(200))));
        assertEquals(201, list.statusCode(), "the longest lists fit: " + list.asString());
    }

    private static List<String> pendingIds() {
        return as(AUDITOR, "GET", "/api/v1/breaches/pending", null).jsonPath().getList("id");
    }
}
