package dev.kinga.keycloak.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.SidecarProcess;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's acceptance on the real stack: failed logins in Keycloak raise an alert that its
 * audit forwarder delivers, signed, to the sidecar's production jar, exactly once even when the
 * sidecar is killed in between; a security officer acknowledges it and promotes it to a breach
 * incident; the workflow, the 72-hour clock and late notification are enforced; the people
 * affected get their notice through a real SMTP server (GreenMail) in their own language.
 */
@ExtendWith(KeycloakExtension.class)
class BreachRegisterIT {

    private static SidecarProcess sidecar;
    private static GreenMail mail;
    private static String officerName;
    private static String officerId;
    private static String officerToken;
    private static Instant officerSignedInAt = Instant.EPOCH;

    @BeforeAll
    static void stack(KeycloakServer keycloak, KeycloakClient kc) throws Exception {
        mail = new GreenMail(new ServerSetup(KeycloakServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        // On the port the shared server forwards its trail to, with the key that signs it.
        sidecar = SidecarProcess.start(keycloak, "sidecar-breach", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(KeycloakExtension.INTAKE_PORT),
                "KINGA_AUDIT_INTAKE_KEY", KeycloakExtension.INTAKE_KEY,
                "KINGA_SMTP_HOST", "127.0.0.1",
                "KINGA_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()),
                "KINGA_BREACH_NOTICE_POLL", "1s",
                "KINGA_CONTROLLER_NAME", "Kinga Care"));
        officerName = "it-security-" + UUID.randomUUID().toString().substring(0, 8);
        officerId = kc.createUser(REALM, officerName, PASSWORD);
        expect(kc.admin("POST", "/" + REALM + "/users/" + officerId + "/role-mappings/realm",
                List.of(kc.adminGet("/" + REALM + "/roles/security-officer"))), 204);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        if (sidecar != null) {
            sidecar.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    void anAlertFromKeycloakBecomesANotifiedBreachWithNoticesInEachPersonsLanguage(KeycloakClient kc) throws Exception {
        // Failed logins in Keycloak: the fifth raises an alert, forwarded to the sidecar.
        String username = "it-breached-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, PASSWORD);
        failLogins(kc, username, 5);
        List<JsonNode> first = await(() -> alertsAbout(kc, userId), alerts -> alerts.size() == 1, "the first alert in the sidecar");

        // The sidecar is killed; the second burst's alert waits in Keycloak's outbox and arrives after the restart.
        sidecar.kill();
        failLogins(kc, username, 5);
        sidecar.restart();
        List<JsonNode> both = await(() -> alertsAbout(kc, userId), alerts -> alerts.size() == 2, "the second alert after the restart");
        assertEquals(2, Set.copyOf(both.stream().map(a -> a.path("recordId").asText()).toList()).size(), "each alert once");
        assertEquals("failed-logins", both.get(0).path("rule").asText());
        Thread.sleep(2000); // a redelivery, if any, would show up as a third alert
        assertEquals(2, alertsAbout(kc, userId).size(), "exactly once, whatever was delivered again");
        JsonNode intake = realmIntake(kc);
        assertEquals(0, intake.path("chainBreaks").asLong(), intake.toString());
        assertEquals(0, intake.path("outOfOrder").asLong(), intake.toString());

        // Triage: acknowledged, then both promoted to an incident whose controller became aware 73 hours ago.
        String alert = first.get(0).path("id").asText();
        JsonNode acked = json(expect(kc.send("POST", sidecar.url() + "/api/v1/alerts/" + alert + "/acknowledge",
                Map.of("note", "password spraying against one client account?"), officer(kc)), 200));
        assertEquals("acknowledged", acked.path("state").asText());
        Instant aware = Instant.now().minus(Duration.ofHours(73));
        Map<String, Object> incident = article33(aware);
        incident.put("alertIds", both.stream().map(a -> a.path("id").asText()).toList());
        JsonNode created = json(expect(kc.send("POST", sidecar.url() + "/api/v1/breaches", incident, officer(kc)), 201));
        String id = created.path("id").asText();
        assertEquals(2, created.path("alertIds").size());
        assertEquals(aware.plus(Duration.ofHours(72)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(),
                created.at("/clock/authorityDueAt").asText());
        assertTrue(created.at("/clock/overdue").asBoolean(), "73 hours after awareness, not yet notified");
        List<String> pending = new ArrayList<>();
        json(expect(kc.send("GET", sidecar.url() + "/api/v1/breaches/pending", null, officer(kc)), 200)).forEach(i -> pending.add(i.path("id").asText()));
        assertTrue(pending.contains(id), "listed as overdue");

        // The workflow.
        HttpResponse<String> skipped = kc.send("POST", sidecar.url() + "/api/v1/breaches/" + id + "/transitions", Map.of("to", "resolved"), officer(kc));
        assertEquals(409, skipped.statusCode(), skipped.body());
        assertTrue(json(skipped).path("error_description").asText().contains("contained, investigating, notified_authority"), skipped.body());
        expect(transition(kc, id, Map.of("to", "contained", "note", "the account is locked")), 200);
        HttpResponse<String> lateWithoutReasons = transition(kc, id, Map.of("to", "notified_authority"));
        assertEquals(422, lateWithoutReasons.statusCode(), lateWithoutReasons.body());
        assertEquals("delay_reasons_required", json(lateWithoutReasons).path("error").asText());
        JsonNode notified = json(expect(transition(kc, id, Map.of("to", "notified_authority",
                "delayReasons", "The alert came in over a holiday weekend; the DPO was reached on Monday.")), 200));
        assertTrue(notified.at("/clock/notifiedLate").asBoolean());
        assertEquals("notified_authority", notified.path("status").asText());

        // Notices: two people affected, one reading Kiswahili, each in their own language, through real SMTP.
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String amina = person(kc, "it-amina-" + tag, "Amina", "sw");
        String john = person(kc, "it-john-" + tag, "John", "en");
        expect(kc.send("POST", sidecar.url() + "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of(amina, john)), officer(kc)), 202);
        await(() -> json(expect(kc.send("GET", sidecar.url() + "/api/v1/breaches/" + id + "/notices", null, officer(kc)), 200)),
                d -> d.at("/totals/sent").asInt() == 2, "both notices sent");
        MimeMessage swahili = received("it-amina-" + tag + "@example.org");
        assertTrue(swahili.getSubject().startsWith("Muhimu:"), swahili.getSubject());
        String swahiliBody = (String) swahili.getContent();
        assertTrue(swahiliBody.contains("Mpendwa Amina") && swahiliBody.contains("Kinga Care")
                && swahiliBody.contains("Akaunti moja ya mteja ilishambuliwa"), swahiliBody);
        MimeMessage english = received("it-john-" + tag + "@example.org");
        assertTrue(english.getSubject().startsWith("Important:"), english.getSubject());
        String englishBody = (String) english.getContent();
        assertTrue(englishBody.contains("Dear John") && englishBody.contains("Repeated password guesses against one client account"),
                englishBody);
        expect(transition(kc, id, Map.of("to", "notified_users")), 200);

        // History: every change, with the officer as its actor.
        JsonNode history = json(expect(kc.send("GET", sidecar.url() + "/api/v1/breaches/" + id + "/history", null, officer(kc)), 200));
        List<String> kinds = new ArrayList<>();
        history.forEach(h -> kinds.add(h.path("kind").asText()));
        assertEquals(List.of("created", "alerts_linked", "status", "status", "notices_queued", "status"), kinds);
        history.forEach(h -> assertEquals(officerId, h.path("actor").asText(), h.toString()));
        JsonNode verify = json(expect(kc.send("GET", sidecar.url() + "/api/v1/audit/verify", null, officer(kc)), 200));
        assertTrue(verify.path("valid").asBoolean(), "the sidecar's trail, with every change in it, verifies: " + verify);
    }

    @Test
    void badInputGetsAClearError(KeycloakClient kc) {
        String breaches = sidecar.url() + "/api/v1/breaches";
        assertError(kc.send("GET", breaches + "/" + UUID.randomUUID(), null, officer(kc)), 404, "unknown_incident");
        assertError(kc.send("POST", breaches, Map.of("title", "t", "awareAt", Instant.now().plus(Duration.ofDays(1)).toString()),
                officer(kc)), 400, "invalid_request");
        Map<String, Object> huge = article33(Instant.now());
        huge.put("nature", "x".repeat(10 * 1024 * 1024));
        assertError(kc.send("POST", breaches, huge, officer(kc)), 413, "request_too_large");
        String bare = json(expect(kc.send("POST", breaches, Map.of("title", "Lost laptop", "awareAt", Instant.now().toString()),
                officer(kc)), 201)).path("id").asText();
        HttpResponse<String> missing = transition(kc, bare, Map.of("to", "notified_authority"));
        assertError(missing, 422, "missing_fields");
        assertTrue(json(missing).path("error_description").asText().contains("likelyConsequences"), missing.body());
        HttpResponse<String> unsigned = kc.send("POST", sidecar.url() + "/api/v1/audit/events", Map.of("id", "x"), null);
        assertError(unsigned, 401, "invalid_signature");
    }

    private static Map<String, Object> article33(Instant aware) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", "Password guessing against client accounts");
        body.put("awareAt", aware.toString());
        body.put("risk", "high");
        body.put("nature", "Repeated password guesses against one client account; the account was entered once.");
        body.put("subjectCategories", List.of("clients"));
        body.put("approxSubjects", 2);
        body.put("dataCategories", List.of("contact details", "appointment history"));
        body.put("approxRecords", 14);
        body.put("contactPoint", "Data Protection Officer, dpo@kinga.example");
        body.put("likelyConsequences", "Someone may have read the person's appointment history.");
        body.put("measuresTaken", "The account was locked and its sessions ended.");
        body.put("recommendations", "Choose a new password you use nowhere else.");
        body.put("translations", Map.of("sw", Map.of("nature", "Akaunti moja ya mteja ilishambuliwa kwa kubahatisha nenosiri.")));
        return body;
    }

    /** A Keycloak user with an e-mail address and a language (the attribute Keycloak keeps a person's locale in). */
    private static String person(KeycloakClient kc, String username, String firstName, String locale) {
        String id = kc.createUser(REALM, username, PASSWORD);
        expect(kc.admin("PUT", "/" + REALM + "/users/" + id, Map.of("email", username + "@example.org", "firstName", firstName,
                "lastName", "Test", "attributes", Map.of("locale", List.of(locale)))), 204);
        assertEquals(locale, kc.adminGet("/" + REALM + "/users/" + id).at("/attributes/locale/0").asText(), "the locale is kept");
        return id;
    }

    private static void failLogins(KeycloakClient kc, String username, int times) {
        for (int i = 0; i < times; i++) {
            assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, "Wrong-Password-1!"));
        }
    }

    private static List<JsonNode> alertsAbout(KeycloakClient kc, String userId) {
        List<JsonNode> alerts = new ArrayList<>();
        HttpResponse<String> response = kc.send("GET", sidecar.url() + "/api/v1/alerts?subject=" + userId, null, officer(kc));
        if (response.statusCode() == 200) {
            json(response).forEach(alerts::add);
        }
        alerts.sort((a, b) -> Long.compare(a.path("seq").asLong(), b.path("seq").asLong()));
        return alerts;
    }

    private static JsonNode realmIntake(KeycloakClient kc) {
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        for (JsonNode realm : json(expect(kc.send("GET", sidecar.url() + "/api/v1/audit/intake", null, officer(kc)), 200))) {
            if (realmId.equals(realm.path("realmId").asText())) {
                return realm;
            }
        }
        throw new AssertionError("nothing received from realm " + REALM);
    }

    private static HttpResponse<String> transition(KeycloakClient kc, String id, Map<String, Object> body) {
        return kc.send("POST", sidecar.url() + "/api/v1/breaches/" + id + "/transitions", body, officer(kc));
    }

    private static MimeMessage received(String to) throws Exception {
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (m.getRecipients(Message.RecipientType.TO)[0].toString().equals(to)) {
                return m;
            }
        }
        throw new AssertionError("no mail to " + to);
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response).path("error").asText(), response.body());
        assertFalse(response.body().contains("Exception"), "no stack trace");
    }

    /** The officer's token from the compliance CLI (device grant, MFA by automation), renewed before it expires. */
    private static String officer(KeycloakClient kc) {
        if (officerToken == null || officerSignedInAt.isBefore(Instant.now().minusSeconds(240))) {
            officerToken = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of()).path("access_token").asText();
            officerSignedInAt = Instant.now();
        }
        return officerToken;
    }

    private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        T value = read.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("never " + what + ": " + value);
            }
            Thread.sleep(300);
            value = read.get();
        }
        return value;
    }
}
