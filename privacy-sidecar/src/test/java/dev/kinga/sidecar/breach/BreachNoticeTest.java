package dev.kinga.sidecar.breach;

import dev.kinga.sidecar.security.TestTokens;
import dev.kinga.sidecar.dsr.FakeKeycloak;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static dev.kinga.sidecar.breach.BreachRegisterTest.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The people's notices (Art. 34) through a real SMTP server: each person in their own language
 * with the incident's content, delivery recorded per person, retried when the server is down,
 * people without an address reported; the drafts of both notices in English and Kiswahili.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(FakeKeycloak.class)
@QuarkusTestResource(MailServer.class)
class BreachNoticeTest {

    private static final String DPO = TestTokens.asRole("privacy-officer");

    private static String incident() {
        Map<String, Object> body = BreachRegisterTest.complete(Instant.now().minus(Duration.ofHours(2)));
        body.put("translations", Map.of("sw", Map.of(
                "nature", "Akaunti ya mkandarasi wa zamani ilihamisha maelezo ya tiba.",
                "recommendations", "Kuwa mwangalifu na ujumbe unaotaja tiba yako; tujulishe.")));
        Response created = as(DPO, "POST", "/api/v1/breaches", body);
        assertEquals(201, created.statusCode(), created.asString());
        return created.jsonPath().getString("id");
    }

    @Test
    void eachPersonGetsTheNoticeInTheirLanguageAndDeliveryIsRecorded() throws Exception {
        String id = incident();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String amina = FakeKeycloak.addPerson("amina-" + tag, "amina-" + tag + "@example.org", "Amina", "sw");
        String john = FakeKeycloak.addPerson("john-" + tag, "john-" + tag + "@example.org", "John", "en");
        String noMail = FakeKeycloak.addPerson("nomail-" + tag, null, "Baraka", "sw");

        Response queued = as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of(amina, john, noMail, amina)));
        assertEquals(202, queued.statusCode(), queued.asString());
        assertEquals(3, queued.jsonPath().getInt("queued"), "each person once");
        assertEquals(0, as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of(john))).jsonPath().getInt("queued"));

        await(() -> as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath().getInt("totals.pending") == 0, "delivered");
        JsonPath deliveries = as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath();
        assertEquals(2, deliveries.getInt("totals.sent"));
        assertEquals(1, deliveries.getInt("totals.no_address"));
        assertEquals("sw", deliveries.getString("notices.find { it.userId == '" + amina + "' }.language"));
        assertEquals("en", deliveries.getString("notices.find { it.userId == '" + john + "' }.language"));
        assertTrue(deliveries.getString("notices.find { it.userId == '" + john + "' }.contentHash").matches("[0-9a-f]{64}"),
                "what John was told is on record");
        assertEquals(true, deliveries.getBoolean("notices.find { it.userId == '" + john + "' }.addressVerified"));
        Response byName = as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of("john-" + tag)));
        assertEquals(400, byName.statusCode(), "user ids, not usernames or addresses");

        MimeMessage toAmina = message("amina-" + tag + "@example.org");
        assertTrue(toAmina.getSubject().startsWith("Muhimu: tukio la usalama"), toAmina.getSubject());
        String swahili = (String) toAmina.getContent();
        assertTrue(swahili.contains("Mpendwa Amina"), swahili);
        assertTrue(swahili.contains("Akaunti ya mkandarasi wa zamani ilihamisha maelezo ya tiba."), "the Kiswahili text the DPO gave");
        assertTrue(swahili.contains("Distress and possible stigma"), "untranslated parts in the register's own words");
        MimeMessage toJohn = message("john-" + tag + "@example.org");
        assertTrue(toJohn.getSubject().startsWith("Important: a security incident"), toJohn.getSubject());
        String english = (String) toJohn.getContent();
        assertTrue(english.contains("Dear John") && english.contains("exported therapy notes")
                && english.contains("dpo@example.org") && english.contains("Be wary of messages"), english);
        assertFalse(english.contains("Akaunti"), "English for John");

        Response notified = as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "investigating"));
        assertEquals(200, notified.statusCode());
        assertEquals(200, as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "notified_authority")).statusCode());
        Response unexplained = as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "notified_users"));
        assertEquals(409, unexplained.statusCode(), "Baraka has no address: how was he told?");
        assertTrue(unexplained.jsonPath().getString("error_description").contains("1 people have no e-mail address"));
        Response users = as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions",
                Map.of("to", "notified_users", "note", "Baraka was told by phone on the number he gave the clinic."));
        assertEquals(200, users.statusCode(), users.asString());
        assertTrue(users.jsonPath().getString("notification.usersNotifiedAt") != null);
        String trail = as(TestTokens.asRole("auditor"), "GET", "/api/v1/audit/records?limit=1000", null).asString();
        assertTrue(trail.contains("BREACH_NOTICE_SENT") && trail.contains(amina), "each delivery in the trail");
    }

    @Test
    void anAddressNoMailServerTakesOrThatWasNeverVerifiedIsReportedAtOnce() {
        String id = incident();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        // The second review's address, set through Account REST; and one the person set and never confirmed.
        String quoted = FakeKeycloak.addPerson("quoted-" + tag, "\"x y\"@example.test", "Quoted", "en");
        String selfSet = FakeKeycloak.addPerson("selfset-" + tag, "selfset-" + tag + "@example.org", "Achieng", "en");
        FakeKeycloak.setEmailVerified(selfSet, false);
        as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of(quoted, selfSet)));
        await(() -> as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath().getInt("totals.pending") == 0,
                "no notice left pending");
        JsonPath deliveries = as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath();
        assertEquals(2, deliveries.getInt("totals.no_address"), deliveries.prettify());
        assertEquals(1, deliveries.getInt("notices.find { it.userId == '" + quoted + "' }.attempts"), "refused before any sending");
        assertTrue(deliveries.getString("notices.find { it.userId == '" + quoted + "' }.lastError").contains("not one a mail server takes"));
        assertTrue(deliveries.getString("notices.find { it.userId == '" + selfSet + "' }.lastError").contains("not verified"));
        assertTrue(MailServer.received().stream().noneMatch(m -> recipient(m).contains(tag)), "nothing was mailed");

        // The officer may allow unverified addresses for a notice (having checked them some other way).
        String second = incident();
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches/" + second + "/notices",
                Map.of("userIds", List.of(selfSet), "allowUnverifiedAddresses", "yes")).statusCode());
        as(DPO, "POST", "/api/v1/breaches/" + second + "/notices", Map.of("userIds", List.of(selfSet), "allowUnverifiedAddresses", true));
        await(() -> "sent".equals(as(DPO, "GET", "/api/v1/breaches/" + second + "/notices", null).jsonPath().getString("notices[0].status")),
                "sent to the unverified address the officer allowed");
        assertEquals(false, as(DPO, "GET", "/api/v1/breaches/" + second + "/notices", null).jsonPath().getBoolean("notices[0].addressVerified"));
    }

    @Test
    void aNoticeTheServerCannotTakeIsRetriedThenFailsAndCanBeSentAgain() {
        String id = incident();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String person = FakeKeycloak.addPerson("wanjiku-" + tag, "wanjiku-" + tag + "@example.org", "Wanjiku", null);
        MailServer.down();
        try {
            as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of(person)));
            await(() -> "failed".equals(as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath().getString("notices[0].status")),
                    "failed after its attempts");
            JsonPath failed = as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath();
            assertEquals(3, failed.getInt("notices[0].attempts"));
            assertTrue(failed.getString("notices[0].lastError") != null);
            // A failed notice holds the step until the officer says how the person was told (or sends it again).
            assertEquals(200, as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "investigating")).statusCode());
            assertEquals(200, as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "notified_authority")).statusCode());
            Response untold = as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "notified_users"));
            assertEquals(409, untold.statusCode(), untold.asString());
            assertTrue(untold.jsonPath().getString("error_description").contains("mail server refused"), untold.asString());
        } finally {
            MailServer.up();
        }
        assertEquals(1, as(DPO, "POST", "/api/v1/breaches/" + id + "/notices/retry", null).jsonPath().getInt("requeued"));
        await(() -> "sent".equals(as(DPO, "GET", "/api/v1/breaches/" + id + "/notices", null).jsonPath().getString("notices[0].status")),
                "sent on the retry");
        assertEquals(200, as(DPO, "POST", "/api/v1/breaches/" + id + "/transitions", Map.of("to", "notified_users")).statusCode(),
                "everyone told by mail: no note needed");
        assertEquals(1, MailServer.received().stream().filter(m -> recipient(m).equals("wanjiku-" + tag + "@example.org")).count());
    }

    @Test
    void draftsOfBothNoticesComeInEnglishAndKiswahili() {
        String id = incident();
        as(DPO, "POST", "/api/v1/breaches/" + id + "/information", Map.of("text", "The export held 840 notes of 120 clients."));
        JsonPath authority = as(DPO, "GET", "/api/v1/breaches/" + id + "/notices/drafts/authority", null).jsonPath();
        assertTrue(authority.getString("subject").startsWith("Notification of a personal data breach (BR-"));
        String body = authority.getString("body");
        for (String expected : List.of("Office of the Data Protection Commissioner", "Approximate number of data subjects: 120",
                "therapy notes, contact details", "Special categories of data (such as health data) involved: yes",
                "The export held 840 notes of 120 clients.", "Reasons for notifying after the deadline")) {
            assertTrue(body.contains(expected), expected + " in:\n" + body);
        }
        JsonPath sw = as(DPO, "GET", "/api/v1/breaches/" + id + "/notices/drafts/authority?language=sw", null).jsonPath();
        assertTrue(sw.getString("subject").startsWith("Taarifa ya ukiukaji"), sw.getString("subject"));
        assertTrue(sw.getString("body").contains("Idadi ya takriban ya wahusika wa data: 120"));
        JsonPath person = as(TestTokens.asRole("auditor"), "GET", "/api/v1/breaches/" + id + "/notices/drafts/person?language=sw", null).jsonPath();
        assertTrue(person.getString("body").contains("Mpendwa mteja"));
        assertEquals(400, as(DPO, "GET", "/api/v1/breaches/" + id + "/notices/drafts/person?language=fr", null).statusCode());
        assertEquals(404, as(DPO, "GET", "/api/v1/breaches/" + UUID.randomUUID() + "/notices/drafts/person", null).statusCode());
        assertEquals(400, as(DPO, "POST", "/api/v1/breaches/" + id + "/notices", Map.of("userIds", List.of())).statusCode());
        Map<String, Object> bare = Map.of("title", "Unfinished", "awareAt", Instant.now().toString());
        String unfinished = as(DPO, "POST", "/api/v1/breaches", bare).jsonPath().getString("id");
        Response refused = as(DPO, "POST", "/api/v1/breaches/" + unfinished + "/notices", Map.of("userIds", List.of(UUID.randomUUID().toString())));
        assertEquals(422, refused.statusCode(), "the notice's texts are missing");
        assertTrue(refused.jsonPath().getString("error_description").contains("recommendations"));
    }

    private static MimeMessage message(String to) {
        return MailServer.received().stream().filter(m -> recipient(m).equals(to)).findFirst()
                .orElseThrow(() -> new AssertionError("no mail to " + to));
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("never " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
