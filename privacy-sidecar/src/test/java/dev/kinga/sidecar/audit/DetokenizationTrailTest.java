package dev.kinga.sidecar.audit;

import com.sun.net.httpserver.HttpServer;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detokenization a DPO can defend: a stated purpose, a recent MFA sign-in (else an RFC 9470
 * challenge), and a hash-chained trail record per request, readable by auditors and forwarded.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(value = DetokenizationTrailTest.Sink.class, restrictToAnnotatedClass = true)
class DetokenizationTrailTest {

    /** A SIEM stand-in: records every POST with its headers. */
    public static class Sink implements QuarkusTestResourceLifecycleManager {
        static final List<Map<String, String>> RECEIVED = new CopyOnWriteArrayList<>();
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/audit", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                RECEIVED.add(Map.of("body", body, "key", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                        "seq", String.valueOf(exchange.getRequestHeaders().getFirst("X-Kinga-Audit-Seq"))));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return Map.of("kinga.audit.sinks", "http://127.0.0.1:" + server.getAddress().getPort() + "/audit",
                    "kinga.audit.forward-interval", "200ms", "kinga.detokenize.acr-values", "gold");
        }

        @Override
        public void stop() {
            server.stop(0);
        }
    }

    @Inject
    EntityManager em;

    /** Tampers as {@code change} does, checks that verify reports the break at {@code seq}, then restores the trail. */
    private void assertBrokenAt(long seq, Runnable change) {
        List<TrailRecord> records = QuarkusTransaction.requiringNew().call(() -> {
            List<TrailRecord> all = em.createQuery("select r from TrailRecord r order by r.seq", TrailRecord.class).getResultList();
            all.forEach(em::detach);
            return all;
        });
        TrailHead head = QuarkusTransaction.requiringNew().call(() -> {
            TrailHead h = em.find(TrailHead.class, 1);
            em.detach(h);
            return h;
        });
        change.run();
        try {
            Response broken = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor")).get("/api/v1/audit/verify");
            assertEquals(false, broken.jsonPath().getBoolean("valid"), broken.asString());
            assertEquals(seq, broken.jsonPath().getLong("brokenAt"), broken.asString());
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                em.createQuery("delete from TrailRecord r").executeUpdate();
                for (TrailRecord r : records) {
                    TrailRecord copy = new TrailRecord();
                    copy.seq = r.seq;
                    copy.id = r.id;
                    copy.at = r.at;
                    copy.action = r.action;
                    copy.actor = r.actor;
                    copy.actorName = r.actorName;
                    copy.clientId = r.clientId;
                    copy.details = r.details;
                    copy.prevHash = r.prevHash;
                    copy.hash = r.hash;
                    em.persist(copy);
                }
                em.createQuery("update TrailHead h set h.lastSeq = :seq, h.lastHash = :hash, h.mac = :mac where h.id = 1")
                        .setParameter("seq", head.lastSeq).setParameter("hash", head.lastHash).setParameter("mac", head.mac)
                        .executeUpdate();
            });
        }
    }

    private static String tokenize(String value) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.asRole("privacy-officer"))
                .body(Map.of("text", value, "operators", Map.of("EMAIL", Map.of("type", "tokenize")))).post("/api/v1/pii/anonymize")
                .jsonPath().getString("text");
    }

    private static Response detokenize(String bearer, Object body) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + bearer).body(body)
                .post("/api/v1/pii/detokenize");
    }

    private static String officer() {
        return TestTokens.token().permissions("pii:detokenize").subject("officer-1").sign();
    }

    @Test
    void aPurposeIsRequired() {
        String token = tokenize("purpose@example.com");
        for (Object body : List.of(Map.of("tokens", List.of(token)), Map.of("tokens", List.of(token), "purpose", "   "),
                Map.of("tokens", List.of(token), "purpose", "x".repeat(501)))) {
            Response r = detokenize(officer(), body);
            assertEquals(400, r.statusCode(), r.asString());
            assertTrue(r.jsonPath().getString("error_description").startsWith("purpose"), r.asString());
        }
        assertEquals(200, detokenize(officer(), Map.of("tokens", List.of(token), "purpose", "x".repeat(500))).statusCode());
    }

    @Test
    void withoutARecentMfaSignInTheClientIsToldToStepUp() {
        String token = tokenize("stepup@example.com");
        Map<String, Object> body = Map.of("tokens", List.of(token), "purpose", "Court order 44/2026");
        for (var stale : List.of(
                TestTokens.token().permissions("pii:detokenize").authAgeSeconds(301L).sign(),
                TestTokens.token().permissions("pii:detokenize").authAgeSeconds(null).sign(),
                TestTokens.token().permissions("pii:detokenize").authAgeSeconds(-600L).sign(),
                TestTokens.token().permissions("pii:detokenize").amrAsString("mfa").acr("0").sign(),
                TestTokens.token().permissions("pii:detokenize").amr("pwd").sign(),
                TestTokens.token().permissions("pii:detokenize").amr().sign(),
                TestTokens.token().permissions("pii:detokenize").amr("pwd").acr("1").sign(),
                // The claims say MFA a minute ago, but a mapper wrote them: Keycloak's record of the session does not agree.
                TestTokens.token().permissions("pii:detokenize").keycloakRecordsNoMfa().sign(),
                TestTokens.token().permissions("pii:detokenize").sessionUnknownToKeycloak().sign())) {
            Response r = detokenize(stale, body);
            assertEquals(401, r.statusCode(), r.asString());
            assertEquals("insufficient_user_authentication", r.jsonPath().getString("error"));
            String challenge = r.header("WWW-Authenticate");
            assertTrue(challenge.startsWith("Bearer error=\"insufficient_user_authentication\""), challenge);
            assertTrue(challenge.contains("acr_values=\"kinga-mfa\"") && challenge.contains("max_age=300"), challenge);
            assertFalse(r.asString().contains("stepup@"), r.asString());
        }
        Response unsure = detokenize(TestTokens.token().permissions("pii:detokenize").keycloakWithoutKingaSessions().sign(), body);
        assertEquals(503, unsure.statusCode(), "a 404 that is not Kinga's is not taken for a closed session: " + unsure.asString());
        assertEquals("temporarily_unavailable", unsure.jsonPath().getString("error"));
        assertFalse(unsure.asString().contains("stepup@"), unsure.asString());
        assertEquals(200, detokenize(TestTokens.token().permissions("pii:detokenize").amr().acr("gold").sign(), body).statusCode(),
                "a configured ACR level counts as MFA");
        assertEquals(200, detokenize(TestTokens.token().permissions("pii:detokenize").authAgeSeconds(290L).sign(), body).statusCode());

        // A refused attempt is in the trail too (who, the purpose, which tokens, why), with nothing revealed.
        Response refused = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                .get("/api/v1/audit/records?limit=1000");
        assertTrue(refused.jsonPath().getList("findAll { it.action == 'PII_DETOKENIZE_REFUSED' }.details.purpose")
                .contains("Court order 44/2026"), refused.asString());
        assertFalse(refused.asString().contains("stepup@"));
    }

    @Test
    void everyDetokenizationIsChainedReadableByAuditorsAndForwarded() throws Exception {
        String token = tokenize("trail@example.com");
        Response r = detokenize(officer(), Map.of("tokens", List.of(token, token, "tok_email_gone"), "purpose", "Complaint 2026-31"));
        assertEquals(200, r.statusCode(), r.asString());
        long seq = r.jsonPath().getLong("auditSeq");

        Response records = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                .get("/api/v1/audit/records?from=" + seq);
        assertEquals(200, records.statusCode(), records.asString());
        Map<String, Object> record = records.jsonPath().getMap("[0]");
        assertEquals("PII_DETOKENIZE", record.get("action"));
        assertEquals("officer-1", record.get("actor"));
        assertEquals("kinga-compliance-cli", record.get("clientId"));
        assertEquals("Complaint 2026-31", records.jsonPath().getString("[0].details.purpose"));
        assertEquals(3, records.jsonPath().getInt("[0].details.tokenCount"));
        assertEquals(List.of(token, "tok_email_gone"), records.jsonPath().getList("[0].details.tokenIds"));
        assertFalse(records.asString().contains("trail@example.com"), "never a value in the trail");
        if (seq > 1) {
            Response previous = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                    .get("/api/v1/audit/records?from=" + (seq - 1) + "&limit=1");
            assertEquals(previous.jsonPath().getString("[0].hash"), record.get("prevHash"), "chained to the record before");
        }
        Response verify = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor")).get("/api/v1/audit/verify");
        assertEquals(true, verify.jsonPath().getBoolean("valid"), verify.asString());
        assertTrue(verify.jsonPath().getLong("records") >= seq);

        String id = (String) record.get("id");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Sink.RECEIVED.stream().noneMatch(m -> m.get("key").equals(id)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        Map<String, String> delivered = Sink.RECEIVED.stream().filter(m -> m.get("key").equals(id)).findFirst().orElse(null);
        assertNotNull(delivered, "forwarded to the sink with the record id as Idempotency-Key");
        assertEquals(Long.toString(seq), delivered.get("seq"));
        assertTrue(delivered.get("body").contains("\"purpose\":\"Complaint 2026-31\""), delivered.get("body"));
        assertTrue(delivered.get("body").contains("\"source\":\"kinga-privacy-sidecar\""), delivered.get("body"));

        // The chain breaks where a record is changed, removed, or where the head is rewound after cutting off the end.
        assertBrokenAt(seq, () -> QuarkusTransaction.requiringNew().run(() -> em.find(TrailRecord.class, seq).actorName = null));
        assertBrokenAt(seq, () -> QuarkusTransaction.requiringNew().run(() -> em.find(TrailRecord.class, seq).actorName = ""));
        long victim = seq > 1 ? seq - 1 : seq;
        assertBrokenAt(victim, () -> QuarkusTransaction.requiringNew().run(() -> em.remove(em.find(TrailRecord.class, victim))));
        assertBrokenAt(seq, () -> QuarkusTransaction.requiringNew().run(() -> {
            TrailHead head = em.find(TrailHead.class, 1);
            TrailRecord previous = em.find(TrailRecord.class, seq - 1);
            em.createQuery("delete from TrailRecord r where r.seq >= :seq").setParameter("seq", seq).executeUpdate();
            head.lastSeq = seq - 1;
            head.lastHash = previous == null ? TrailChain.GENESIS : previous.hash;
        }));

        // A record changed in the database breaks the chain at that record.
        String original = QuarkusTransaction.requiringNew().call(() -> em.find(TrailRecord.class, seq).details);
        QuarkusTransaction.requiringNew().run(() -> em.find(TrailRecord.class, seq).details = original.replace("Complaint", "Routine"));
        try {
            Response broken = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor")).get("/api/v1/audit/verify");
            assertEquals(false, broken.jsonPath().getBoolean("valid"), broken.asString());
            assertEquals(seq, broken.jsonPath().getLong("brokenAt"));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.find(TrailRecord.class, seq).details = original);
        }
        Response restored = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor")).get("/api/v1/audit/verify");
        assertEquals(true, restored.jsonPath().getBoolean("valid"), restored.asString());

        Response refused = RestAssured.given().header("Authorization", "Bearer " + TestTokens.withPermissions("pii:detokenize"))
                .get("/api/v1/audit/records");
        assertEquals(403, refused.statusCode(), "the trail is for audit:read");
        assertEquals(400, RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                .get("/api/v1/audit/records?limit=abc").statusCode());
    }
}
