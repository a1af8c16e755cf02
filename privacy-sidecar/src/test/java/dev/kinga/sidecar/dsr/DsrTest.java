package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.connector.ReferenceConnector;
import dev.kinga.sidecar.jobs.LeasedJobs;
import dev.kinga.signature.RequestSignature;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle of data-subject requests against a stand-in Keycloak: grace period and
 * cancellation, the worker running due jobs exactly once, retries, due dates and their
 * extension, one-time download links, and every way a request can be wrong.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(FakeKeycloak.class)
@QuarkusTestResource(ReferenceConnector.class)
class DsrTest {

    private static final String OFFICER = TestTokens.withPermissions("dsr:manage");

    @BeforeEach
    void healthyKeycloak() {
        FakeKeycloak.FAILURES_TO_COME.set(0);
        FakeKeycloak.ERASE_FAILURES_TO_COME.set(0);
    }

    private static Response call(String method, String path, Object body) {
        var request = RestAssured.given().header("Authorization", "Bearer " + OFFICER).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.request(method, path);
    }

    private static JsonPath created(Map<String, Object> body) {
        Response response = call("POST", "/api/v1/dsr", body);
        assertEquals(201, response.statusCode(), response.asString());
        return response.jsonPath();
    }

    private static JsonPath awaitStatus(String id, String status) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            JsonPath r = call("GET", "/api/v1/dsr/" + id, null).jsonPath();
            if (status.equals(r.getString("status")) || Instant.now().isAfter(deadline)) {
                assertEquals(status, r.getString("status"), r.prettify());
                return r;
            }
            sleep(100);
        }
    }

    @Test
    void erasureWaitsOutItsGracePeriodDisabledAndCancellingGivesTheAccountBack() {
        FakeKeycloak.User user = FakeKeycloak.add("grace-" + System.nanoTime());
        JsonPath r = created(Map.of("type", "erasure", "subject", user.username, "graceDays", 3, "reason", "asked by email"));
        assertEquals("scheduled", r.getString("status"));
        assertEquals(user.id, r.getString("subjectId"));
        Instant received = Instant.parse(r.getString("receivedAt"));
        assertEquals(received.atZone(ZoneOffset.UTC).plusMonths(1).toInstant(), Instant.parse(r.getString("dueAt")), "due in one month");
        assertEquals(received.plus(Duration.ofDays(3)), Instant.parse(r.getString("runAfter")));
        assertFalse(user.enabled, "the account is disabled during the grace period");

        sleep(1000);
        assertEquals("scheduled", call("GET", "/api/v1/dsr/" + r.getString("id"), null).jsonPath().getString("status"),
                "nothing runs before the grace period ends");
        assertEquals(0, user.erasures.get());

        Response again = call("POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", user.id));
        assertEquals(409, again.statusCode());
        assertEquals("erasure_pending", again.jsonPath().getString("error"));

        JsonPath cancelled = call("POST", "/api/v1/dsr/" + r.getString("id") + "/cancel", Map.of("reason", "changed their mind")).jsonPath();
        assertEquals("cancelled", cancelled.getString("status"));
        assertTrue(user.enabled, "the account is back as it was");
        List<String> steps = cancelled.getList("history.to");
        assertEquals(List.of("received", "scheduled", "cancelled"), steps);
        assertEquals("changed their mind", cancelled.getString("history[2].note"));
        assertNotNull(cancelled.getString("history[2].actor"));

        Response twice = call("POST", "/api/v1/dsr/" + r.getString("id") + "/cancel", null);
        assertEquals(409, twice.statusCode());
        assertEquals("not_cancellable", twice.jsonPath().getString("error"));
    }

    @Test
    void erasureWithoutGraceRunsOnceAndLeavesAReceipt() {
        FakeKeycloak.User user = FakeKeycloak.add("now-" + System.nanoTime());
        JsonPath r = created(Map.of("type", "erasure", "subject", user.id, "graceDays", 0));
        assertTrue(user.enabled, "no hold without a grace period");
        JsonPath done = awaitStatus(r.getString("id"), "completed");
        assertEquals(1, user.erasures.get());
        assertEquals(1, done.getInt("receipt.connectors.keycloak.keycloak.user"));
        assertNotNull(done.getString("receipt.completedAt"));
        assertEquals(List.of("received", "scheduled", "in_progress", "completed"), done.getList("history.to"));
        sleep(600);
        assertEquals(1, user.erasures.get(), "erased once");

        Response gone = call("POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", user.username, "graceDays", 0));
        assertEquals(404, gone.statusCode());
        assertEquals("unknown_subject", gone.jsonPath().getString("error"));
    }

    @Test
    void afterAnErasureTheSidecarNoLongerNamesThePerson() {
        FakeKeycloak.User user = FakeKeycloak.add("forget-" + System.nanoTime());
        String export = created(Map.of("type", "export", "subject", user.username, "reason", "asked by " + user.username)).getString("id");
        awaitStatus(export, "completed");
        String link = call("POST", "/api/v1/dsr/" + export + "/archive-link", null).jsonPath().getString("url");
        String erasure = created(Map.of("type", "erasure", "subject", user.username, "graceDays", 0, "reason", "asked by phone")).getString("id");
        awaitStatus(erasure, "completed");
        for (String id : List.of(export, erasure)) {
            JsonPath r = call("GET", "/api/v1/dsr/" + id, null).jsonPath();
            assertEquals(user.id, r.getString("subject"), "the name it was made under is gone: " + r.prettify());
            assertEquals(null, r.getString("reason"));
        }
        assertFalse(call("GET", "/api/v1/dsr?max=1000", null).asString().contains(user.username));
        assertEquals(404, call("GET", link, null).statusCode(), "the export's archive and links are deleted");
        assertEquals(410, call("POST", "/api/v1/dsr/" + export + "/archive-link", null).statusCode());
    }

    @Test
    void anAccountKeycloakRefusesIsReportedAtOnce() {
        FakeKeycloak.User admin = FakeKeycloak.add("admin-" + System.nanoTime());
        admin.privileged = true;
        Response held = call("POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", admin.id, "graceDays", 3));
        assertEquals(409, held.statusCode(), held.asString());
        assertEquals("privileged_account", held.jsonPath().getString("error"));
        JsonPath failed = awaitStatus(created(Map.of("type", "erasure", "subject", admin.id, "graceDays", 0)).getString("id"), "failed");
        assertEquals(1, failed.getInt("attempts"), "a refusal is not retried");
        assertEquals(null, ReferenceConnector.ERASURES.get(admin.id), "no app erased anything of an account Keycloak refuses");
        assertTrue(failed.getString("lastError").contains("privileged_account"), failed.prettify());
        assertEquals("cancelled", call("POST", "/api/v1/dsr/" + failed.getString("id") + "/cancel", null).jsonPath().getString("status"),
                "a failed request can be closed");
    }

    @Test
    void theExportHoldsWhatEachAppKeepsAndTheErasureReachesEachAppOnce() {
        FakeKeycloak.User user = FakeKeycloak.add("apps-" + System.nanoTime());
        ReferenceConnector.hold(user.id, "session 1: slept better", "session 2: new job");
        JsonPath exported = awaitStatus(created(Map.of("type", "export", "subject", user.id)).getString("id"), "completed");
        assertEquals(2, exported.getInt("receipt.connectors.care-notes.records"));
        String url = call("POST", "/api/v1/dsr/" + exported.getString("id") + "/archive-link", null).jsonPath().getString("url");
        JsonPath archive = call("GET", url, null).jsonPath();
        assertEquals(List.of("session 1: slept better", "session 2: new job"), archive.getList("parts.apps.care-notes.records.text"));

        FakeKeycloak.ERASE_FAILURES_TO_COME.set(2); // Keycloak's erase fails twice after the app erased: the job runs three times
        JsonPath erased = awaitStatus(created(Map.of("type", "erasure", "subject", user.id, "graceDays", 0)).getString("id"), "completed");
        assertEquals(3, erased.getInt("attempts"));
        assertEquals(1, ReferenceConnector.ERASURES.get(user.id).get(), "the app erased once, however often the job ran");
        assertEquals(2, erased.getInt("receipt.connectors.care-notes.erased.careNotes"));
        assertNotNull(erased.getString("receipt.connectors.care-notes.at"));
        assertFalse(ReferenceConnector.NOTES.containsKey(user.id));
    }

    @Test
    void theReferenceConnectorRefusesUnsignedStaleAndReplayedRequests() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        byte[] body = "{\"requestId\":\"r\",\"subjectId\":\"s\",\"operation\":\"erase\"}".getBytes();
        String path = java.net.URI.create(ReferenceConnector.url() + "/erase").getRawPath();
        java.util.function.BiFunction<String, String, Integer> post = (timestamp, signature) -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ReferenceConnector.url() + "/erase"))
                        .header("X-Kinga-Timestamp", timestamp).header("X-Kinga-Signature", signature).header("Idempotency-Key", "r:erase")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String now = Long.toString(Instant.now().getEpochSecond());
        String stale = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());
        assertEquals(401, post.apply(now, "v1=" + RequestSignature.sign("not-the-secret-0123456789abcdefghij", "POST", path, now, body)));
        assertEquals(401, post.apply(stale, "v1=" + RequestSignature.sign(ReferenceConnector.SECRET, "POST", path, stale, body)));
        String good = "v1=" + RequestSignature.sign(ReferenceConnector.SECRET, "POST", path, now, body);
        assertEquals(200, post.apply(now, good));
        assertEquals(401, post.apply(now, good), "the same signed request twice is a replay");
    }

    /** Crypto-shredding: values tokenized for a person cannot be recovered once the person is erased. */
    @Test
    void valuesTokenizedForThePersonAreShreddedWithThem() {
        FakeKeycloak.User user = FakeKeycloak.add("shred-" + System.nanoTime());
        String other = "someone-else-" + System.nanoTime();
        String anonymizer = TestTokens.withPermissions("pii:anonymize", "pii:tokenize-deterministic");
        String email = user.username + "@example.com";
        java.util.function.Function<String, String> tokenFor = subject -> RestAssured.given().header("Authorization", "Bearer " + anonymizer)
                .contentType("application/json").body(Map.of("text", email, "subject", subject,
                        "operators", Map.of("EMAIL", Map.of("type", "tokenize", "scheme", "deterministic", "domain", "care-records"))))
                .post("/api/v1/pii/anonymize").jsonPath().getString("text");
        String mine = tokenFor.apply(user.id);
        String theirs = tokenFor.apply(other);
        assertTrue(mine.startsWith("tok_email_"), mine);
        assertFalse(mine.equals(theirs), "the same value for another person is another token");
        String officer = TestTokens.token().permissions("pii:detokenize").subject("officer-1").sign();
        java.util.function.Function<String, Response> detokenize = token -> RestAssured.given().header("Authorization", "Bearer " + officer)
                .contentType("application/json").body(Map.of("tokens", List.of(token), "purpose", "DSR test")).post("/api/v1/pii/detokenize");
        assertEquals(email, detokenize.apply(mine).jsonPath().getString("values." + mine));

        JsonPath export = awaitStatus(created(Map.of("type", "export", "subject", user.id)).getString("id"), "completed");
        String url = call("POST", "/api/v1/dsr/" + export.getString("id") + "/archive-link", null).jsonPath().getString("url");
        assertEquals(List.of(mine), call("GET", url, null).jsonPath().getList("parts.sidecar.tokens.token"), "their tokens, no value");

        JsonPath erased = awaitStatus(created(Map.of("type", "erasure", "subject", user.id, "graceDays", 0)).getString("id"), "completed");
        assertEquals(1, erased.getInt("receipt.connectors.sidecar.tokensShredded"));
        Response gone = detokenize.apply(mine);
        assertEquals(410, gone.statusCode(), gone.asString());
        assertEquals("token_erased", gone.jsonPath().getString("error"));
        assertFalse(gone.asString().contains(email));
        assertEquals(email, detokenize.apply(theirs).jsonPath().getString("values." + theirs), "another person's token still opens");
    }

    @Test
    void aFailingConnectorIsRetriedThenReported() {
        FakeKeycloak.User user = FakeKeycloak.add("retry-" + System.nanoTime());
        FakeKeycloak.FAILURES_TO_COME.set(2);
        JsonPath done = awaitStatus(created(Map.of("type", "erasure", "subject", user.id, "graceDays", 0)).getString("id"), "completed");
        assertEquals(3, done.getInt("attempts"));
        assertEquals(1, user.erasures.get());

        FakeKeycloak.User unlucky = FakeKeycloak.add("fail-" + System.nanoTime());
        FakeKeycloak.FAILURES_TO_COME.set(1000);
        JsonPath failed = awaitStatus(created(Map.of("type", "erasure", "subject", unlucky.id, "graceDays", 0)).getString("id"), "failed");
        assertTrue(failed.getString("lastError").contains("503"), failed.prettify());
        assertEquals(0, unlucky.erasures.get());
        FakeKeycloak.FAILURES_TO_COME.set(0);
    }

    @Test
    void exportIsDownloadedOnceThroughALink() {
        FakeKeycloak.User user = FakeKeycloak.add("export-" + System.nanoTime());
        JsonPath r = created(Map.of("type", "export", "subject", user.username));
        assertEquals("received", r.getString("status"));
        JsonPath done = awaitStatus(r.getString("id"), "completed");
        assertEquals(2, done.getInt("receipt.connectors.keycloak.auditRecords"));

        Response link = call("POST", "/api/v1/dsr/" + r.getString("id") + "/archive-link", null);
        assertEquals(201, link.statusCode(), link.asString());
        String url = link.jsonPath().getString("url");
        assertTrue(url.startsWith("/api/v1/dsr/archives/"));
        Response weak = call("POST", url, Map.of("passphrase", "short"));
        assertEquals(400, weak.statusCode(), "a passphrase too short is refused before the link is used up");
        assertEquals(400, call("POST", url, Map.of("passphrase", "long enough passphrase", "publicKey", "x")).statusCode());
        Response archive = call("GET", url, null);
        assertEquals(200, archive.statusCode());
        assertTrue(archive.getHeader("Cache-Control").contains("no-store"));
        assertEquals("kinga.dsr-export/1", archive.jsonPath().getString("schema"));
        assertEquals(user.username, archive.jsonPath().getString("parts.keycloak.profile.username"));
        assertEquals(r.getString("id"), archive.jsonPath().getString("parts.sidecar.requests[0].id"));

        Response reused = call("GET", url, null);
        assertEquals(410, reused.statusCode());
        assertEquals("link_used", reused.jsonPath().getString("error"));
        assertEquals(404, call("GET", "/api/v1/dsr/archives/not-a-token", null).statusCode());
        Response again = call("POST", "/api/v1/dsr/" + r.getString("id") + "/archive-link", null);
        assertEquals(201, again.statusCode(), "a new link");
        Response encrypted = call("POST", again.jsonPath().getString("url"), Map.of("passphrase", "correct horse battery staple"));
        assertEquals(200, encrypted.statusCode(), encrypted.asString());
        assertTrue(encrypted.getContentType().startsWith("application/pgp-encrypted"));
        assertTrue(encrypted.asString().startsWith("-----BEGIN PGP MESSAGE-----"));
        assertFalse(encrypted.asString().contains(user.username));
        assertEquals(410, call("POST", again.jsonPath().getString("url"), Map.of("passphrase", "correct horse battery staple"))
                .statusCode(), "an encrypted download uses the link up too");

        Response noArchive = call("POST", "/api/v1/dsr/" + created(Map.of("type", "erasure", "subject",
                FakeKeycloak.add("x-" + System.nanoTime()).id)).getString("id") + "/archive-link", null);
        assertEquals(409, noArchive.statusCode());
    }

    @Test
    void dueDateMovesOnlyWithAReasonAndAtMostToThreeMonths() {
        FakeKeycloak.User user = FakeKeycloak.add("extend-" + System.nanoTime());
        JsonPath r = created(Map.of("type", "erasure", "subject", user.id, "graceDays", 5));
        String id = r.getString("id");
        Instant due = Instant.parse(r.getString("dueAt"));

        Response noReason = call("POST", "/api/v1/dsr/" + id + "/extend", Map.of("days", 10));
        assertEquals(400, noReason.statusCode());
        assertTrue(noReason.jsonPath().getString("error_description").contains("reason"));
        assertEquals(400, call("POST", "/api/v1/dsr/" + id + "/extend", Map.of("days", 0, "reason", "x")).statusCode());
        Response tooLong = call("POST", "/api/v1/dsr/" + id + "/extend", Map.of("days", 75, "reason", "complex"));
        assertEquals(400, tooLong.statusCode());
        assertEquals("extension_too_long", tooLong.jsonPath().getString("error"));

        JsonPath extended = call("POST", "/api/v1/dsr/" + id + "/extend", Map.of("days", 30, "reason", "records held by three apps")).jsonPath();
        assertEquals(due.plus(Duration.ofDays(30)), Instant.parse(extended.getString("dueAt")));
        assertTrue(extended.getString("history[-1].note").contains("records held by three apps"));
        assertFalse(extended.getBoolean("overdue"));
        call("POST", "/api/v1/dsr/" + id + "/cancel", null);
        assertEquals(409, call("POST", "/api/v1/dsr/" + id + "/extend", Map.of("days", 1, "reason", "x")).statusCode());
    }

    @Test
    void listsFilterByStatusAndSubject() {
        FakeKeycloak.User user = FakeKeycloak.add("list-" + System.nanoTime());
        String id = created(Map.of("type", "erasure", "subject", user.id, "graceDays", 9)).getString("id");
        List<String> ids = call("GET", "/api/v1/dsr?status=scheduled&subject=" + user.username, null).jsonPath().getList("id");
        assertEquals(List.of(id), ids);
        assertEquals(List.of(), call("GET", "/api/v1/dsr?status=completed&subject=" + user.id, null).jsonPath().getList("id"));
        assertEquals(List.of(), call("GET", "/api/v1/dsr?subject=nobody-" + System.nanoTime(), null).jsonPath().getList("id"));
        call("POST", "/api/v1/dsr/" + id + "/cancel", null);
    }

    @Test
    void badInputGetsAClearError() {
        FakeKeycloak.User user = FakeKeycloak.add("bad-" + System.nanoTime());
        Map<Map<String, Object>, String> cases = Map.of(
                Map.of("type", "delete", "subject", user.id), "type must be export or erasure",
                Map.of("subject", user.id), "type is required",
                Map.of("type", "erasure"), "subject is required",
                Map.of("type", "erasure", "subject", user.id, "graceDays", -1), "graceDays must be between 0 and 90",
                Map.of("type", "erasure", "subject", user.id, "graceDays", 91), "graceDays must be between 0 and 90",
                Map.of("type", "export", "subject", user.id, "graceDays", 3), "graceDays applies to erasures only",
                Map.of("type", "export", "subject", "x".repeat(256)), "subject is required",
                Map.of("type", "export", "subject", user.id, "reason", "r".repeat(2001)), "reason: at most 2000");
        cases.forEach((body, message) -> {
            Response response = call("POST", "/api/v1/dsr", body);
            assertEquals(400, response.statusCode(), body.toString());
            assertTrue(response.jsonPath().getString("error_description").contains(message), response.asString());
        });
        Response unknown = call("POST", "/api/v1/dsr", Map.of("type", "export", "subject", "nobody-" + System.nanoTime()));
        assertEquals(404, unknown.statusCode());
        assertEquals("unknown_subject", unknown.jsonPath().getString("error"));
        assertFalse(unknown.asString().contains("nobody-"), "the answer does not repeat the name");
        assertEquals(400, RestAssured.given().header("Authorization", "Bearer " + OFFICER).contentType("application/json")
                .body("{\"type\": \"export\", \"subject\": ").post("/api/v1/dsr").statusCode());
        assertEquals(404, call("GET", "/api/v1/dsr/" + java.util.UUID.randomUUID(), null).statusCode());
        assertEquals(404, call("POST", "/api/v1/dsr/nope/cancel", null).statusCode());
        assertEquals(400, call("GET", "/api/v1/dsr?status=done", null).statusCode());
        assertEquals(400, call("GET", "/api/v1/dsr?max=0", null).statusCode());

        FakeKeycloak.FAILURES_TO_COME.set(1);
        Response down = call("POST", "/api/v1/dsr", Map.of("type", "erasure", "subject", user.id, "graceDays", 2));
        assertEquals(503, down.statusCode(), down.asString());
        assertEquals("keycloak_unavailable", down.jsonPath().getString("error"));
        assertTrue(user.enabled);
        assertEquals("cancelled", call("GET", "/api/v1/dsr?subject=" + user.id, null).jsonPath().getString("[0].status"),
                "a request whose hold failed is not left waiting");
    }

    @Test
    void onlyDsrManagersMayTouchRequests() {
        assertEquals(401, RestAssured.given().contentType("application/json").body("{}").post("/api/v1/dsr").statusCode());
        String detector = TestTokens.withPermissions("pii:detect");
        for (String[] call : new String[][]{{"POST", "/api/v1/dsr"}, {"GET", "/api/v1/dsr"}, {"GET", "/api/v1/dsr/x"},
                {"POST", "/api/v1/dsr/x/cancel"}, {"POST", "/api/v1/dsr/x/extend"}, {"POST", "/api/v1/dsr/x/archive-link"},
                {"GET", "/api/v1/dsr/archives/x"}}) {
            int status = RestAssured.given().header("Authorization", "Bearer " + detector).contentType("application/json")
                    .body("{}").request(call[0], call[1]).statusCode();
            assertEquals(403, status, call[0] + " " + call[1]);
        }
    }

    @Inject
    DsrWorker worker;

    @Inject
    EntityManager em;

    /** The state a sidecar killed with kill -9 mid-job leaves: in progress, its lease running out. */
    @Test
    void aJobWhoseWorkerDiedIsFinishedOnceByAnother() {
        FakeKeycloak.User user = FakeKeycloak.add("orphan-" + System.nanoTime());
        String id = java.util.UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            DsrRequest r = new DsrRequest();
            r.id = id;
            r.type = DsrType.ERASURE;
            r.subject = user.id;
            r.subjectId = user.id;
            r.status = DsrStatus.IN_PROGRESS;
            r.graceDays = 0;
            r.receivedAt = Instant.now().minusSeconds(600);
            r.dueAt = r.receivedAt.plus(Duration.ofDays(30));
            r.runAfter = r.receivedAt;
            r.leaseUntil = Instant.now().plusSeconds(2); // the dead worker's lease, not yet run out
            r.attempts = 1;
            em.persist(r);
        });
        sleep(1000);
        assertEquals("in_progress", call("GET", "/api/v1/dsr/" + id, null).jsonPath().getString("status"),
                "nobody takes a job while its lease holds");
        JsonPath done = awaitStatus(id, "completed");
        assertEquals(2, done.getInt("attempts"));
        assertEquals(1, FakeKeycloak.ERASE_CALLS.get(user.id).get());
    }

    /** Four workers (and the scheduled one) race for thirty jobs: each job runs exactly once. */
    @Test
    void racingWorkersRunEachJobOnce() throws Exception {
        List<FakeKeycloak.User> users = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            FakeKeycloak.User user = FakeKeycloak.add("race-" + i + "-" + System.nanoTime());
            users.add(user);
            ids.add(created(Map.of("type", "erasure", "subject", user.id, "graceDays", 0)).getString("id"));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> racers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                racers.add(pool.submit(() -> {
                    for (LeasedJobs.Claim claimed = worker.claim(); claimed != null; claimed = worker.claim()) {
                        worker.run(claimed);
                    }
                }));
            }
            for (var racer : racers) {
                racer.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonPath done = awaitStatus(ids.get(i), "completed");
            assertEquals(1, FakeKeycloak.ERASE_CALLS.get(users.get(i).id).get(), "erase calls for job " + i);
            assertEquals(1, done.getList("history.to").stream().filter("in_progress"::equals).count());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
