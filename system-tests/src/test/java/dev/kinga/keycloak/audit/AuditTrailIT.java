package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.AuditSink;
import dev.kinga.keycloak.testing.Await;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.SidecarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.DemoUsers.USER;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail on a real Keycloak: recording, tamper evidence, forwarding, scrubbing, detection. */
@ExtendWith(KeycloakExtension.class)
class AuditTrailIT {

    private static final String AUDIT = "/" + REALM + "/kinga-audit";

    @Test
    void loginsFailuresAndAdminChangesAreRecorded(KeycloakClient kc) {
        String amani = userId(kc, USER);
        kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, USER, PASSWORD);
        JsonNode logins = kc.adminGet(AUDIT + "/records?type=LOGIN&user=" + amani + "&max=1");
        assertEquals(1, logins.size());
        assertEquals("SUCCESS", logins.get(0).path("outcome").asText());
        assertEquals(amani, logins.get(0).path("subject").asText());
        assertEquals(SPA_CLIENT, logins.get(0).path("actor").path("clientId").asText());

        String wanjiru = userId(kc, THERAPIST);
        assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, THERAPIST, "Wrong-Password-1!"));
        JsonNode failure = kc.adminGet(AUDIT + "/records?type=LOGIN_ERROR&user=" + wanjiru + "&max=1").get(0);
        assertEquals("FAILURE", failure.path("outcome").asText());
        assertEquals("WARNING", failure.path("severity").asText());
        assertEquals("invalid_user_credentials", failure.path("details").path("error").asText());
        assertFalse(failure.toString().contains("Wrong-Password-1!"));

        String role = "it-audit-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
        JsonNode created = kc.adminGet(AUDIT + "/records?type=ADMIN_CREATE_REALM_ROLE&max=1").get(0);
        assertEquals(role, created.path("details").path("representation").path("name").asText());
        assertEquals("roles/" + role, created.path("resource").asText());
        kc.admin("DELETE", "/" + REALM + "/roles/" + role, null);
    }

    @Test
    void fiftyParallelLoginsLeaveOneValidChain(KeycloakClient kc) throws Exception {
        // 50 people logging in at once (one account each: a burst on one account is what brute-force
        // protection is for, and it may lock that account).
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> usernames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            usernames.add("it-par-" + run + "-" + i);
            kc.createUser(REALM, usernames.get(i), PASSWORD);
        }
        long before = verify(kc).path("toSeq").asLong();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<JsonNode>> logins = new ArrayList<>();
            for (String username : usernames) {
                logins.add(pool.submit(() -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, PASSWORD)));
            }
            for (Future<JsonNode> login : logins) {
                assertTrue(login.get().has("access_token"));
            }
        } finally {
            pool.shutdown();
        }
        JsonNode verified = verify(kc);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("toSeq").asLong() >= before + 100, "50 LOGIN and 50 CODE_TO_TOKEN records: " + verified);
        assertEquals(verified.path("toSeq").asLong() - verified.path("fromSeq").asLong() + 1,
                verified.path("checkedRecords").asLong(), "no gap, no fork: " + verified);
    }

    @Test
    void alteredOrDeletedRowIsReported(KeycloakServer server, KeycloakClient kc) throws Exception {
        String role = "it-tamper-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        long head = verify(kc).path("toSeq").asLong();
        long target = head - 1;
        try (Connection db = server.openDatabase()) {
            String original = queryString(db, "SELECT DETAILS FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, target);
            update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?", "{\"forged\":true}", realmId, target);
            JsonNode altered = verify(kc);
            assertFalse(altered.path("valid").asBoolean());
            assertEquals(target, altered.path("firstBroken").path("seq").asLong());
            assertEquals("hash_mismatch", altered.path("firstBroken").path("reason").asText());
            update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?", original, realmId, target);
            assertTrue(verify(kc).path("valid").asBoolean(), "restored row verifies again");

            Map<String, Object> row = row(db, realmId, target);
            update(db, "DELETE FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, target);
            JsonNode deleted = verify(kc);
            assertFalse(deleted.path("valid").asBoolean());
            assertEquals(target, deleted.path("firstBroken").path("seq").asLong());
            assertEquals("missing_record", deleted.path("firstBroken").path("reason").asText());
            insert(db, row);
        }
        assertTrue(verify(kc).path("valid").asBoolean());
        kc.admin("DELETE", "/" + REALM + "/roles/" + role, null);
    }

    @Test
    void recordsPileUpWhileTheSinkIsDownAndArriveOnceAfterARestart(KeycloakServer server, KeycloakClient kc,
                                                                    AuditSink sink) throws Exception {
        List<String> roles = new ArrayList<>();
        sink.down();
        try {
            for (int i = 0; i < 10; i++) {
                String role = "it-outbox-" + i + "-" + UUID.randomUUID();
                roles.add(role);
                expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
            }
            Await.until(() -> pending(kc) >= 10, "records wait in the outbox while the sink is down");
            JsonNode delivery = kc.adminGet(AUDIT + "/delivery").get(0);
            assertTrue(delivery.path("failing").asBoolean(), delivery.toString());
            assertTrue(delivery.path("lastError").asText().length() > 0, delivery.toString());

            server.restart(); // nothing queued may be lost with the process
            assertTrue(pending(kc) >= 10, "the outbox survived the restart");
        } finally {
            sink.up();
        }
        Await.until(() -> pending(kc) == 0, "the outbox drains once the sink is back");

        JsonNode records = kc.adminGet(AUDIT + "/records?type=ADMIN_CREATE_REALM_ROLE&max=200");
        Map<String, Long> seqByRole = new HashMap<>();
        Map<String, String> idByRole = new HashMap<>();
        records.forEach(r -> {
            String name = r.path("details").path("representation").path("name").asText();
            seqByRole.put(name, r.path("seq").asLong());
            idByRole.put(name, r.path("id").asText());
        });
        long lastSeq = 0;
        for (String role : roles) {
            String id = idByRole.get(role);
            List<AuditSink.Delivery> got = sink.deliveries().stream().filter(d -> id.equals(d.recordId())).toList();
            assertEquals(1, got.size(), "exactly one delivery for " + role);
            assertEquals(id, got.get(0).record().path("id").asText());
            assertTrue(seqByRole.get(role) > lastSeq);
            lastSeq = seqByRole.get(role);
        }
        // The shared server posts up to 50 records at once (sink-batch-size): what waited went in batches.
        assertTrue(roles.stream().anyMatch(role -> sink.deliveries().stream()
                .anyMatch(d -> idByRole.get(role).equals(d.recordId()) && d.batched())), "the records that waited went in batches");
        // Delivery is at least once: a restart elsewhere in the run may repeat a record that was in flight
        // (same Idempotency-Key, which receivers deduplicate on). Each record's first delivery is in order.
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Long> kingaSeqs = sink.deliveries().stream()
                .filter(d -> REALM.equals(d.record().path("realm").asText()))
                .filter(d -> seen.add(d.recordId()))
                .map(d -> d.record().path("seq").asLong()).toList();
        for (int i = 1; i < kingaSeqs.size(); i++) {
            assertTrue(kingaSeqs.get(i) > kingaSeqs.get(i - 1), "delivered in sequence order per realm: " + kingaSeqs.get(i - 1)
                    + " then " + kingaSeqs.get(i));
        }
        for (String role : roles) {
            kc.admin("DELETE", "/" + REALM + "/roles/" + role, null);
        }
    }

    @Test
    void anOutboxRowWrittenIntoTheDatabaseIsNeverSent(KeycloakServer server, KeycloakClient kc, AuditSink sink) throws Exception {
        // The attacker's review: the forwarder signed whatever the outbox held, so a row written there reached the intake signed.
        String marker = "it-forged-outbox-" + UUID.randomUUID();
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        String forged = "{\"id\":\"" + UUID.randomUUID() + "\",\"realmId\":\"" + realmId + "\",\"seq\":999999999,"
                + "\"type\":\"AUDIT_ANCHOR\",\"details\":{\"note\":\"" + marker + "\"},\"hash\":\"00\",\"prevHash\":\"00\"}";
        String rowId = UUID.randomUUID().toString();
        try (Connection db = server.openDatabase()) {
            update(db, "INSERT INTO KINGA_AUDIT_OUTBOX (ID, RECORD_ID, REALM_ID, SEQ, SINK, PAYLOAD, CREATED_AT, ATTEMPTS, NEXT_ATTEMPT_AT)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rowId, UUID.randomUUID().toString(), realmId, 999_999_999L, sink.url(), forged,
                    System.currentTimeMillis(), 0, 0L);
        }
        String laterRole = "it-after-forged-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", laterRole)), 201);
        Await.until(() -> sink.deliveries().stream().anyMatch(d -> d.record().toString().contains(laterRole)), "Keycloak's own records flow");
        try (Connection db = server.openDatabase()) {
            Await.until(() -> {
                try {
                    return "dead letter: outbox_seal_invalid".equals(queryString(db,
                            "SELECT LAST_ERROR FROM KINGA_AUDIT_OUTBOX WHERE ID = ?", rowId));
                } catch (Exception e) {
                    return false;
                }
            }, "the forged row set aside");
            update(db, "DELETE FROM KINGA_AUDIT_OUTBOX WHERE ID = ?", rowId);
        }
        assertTrue(sink.deliveries().stream().noneMatch(d -> d.record().toString().contains(marker)), "never sent");
        kc.admin("DELETE", "/" + REALM + "/roles/" + laterRole, null);
    }

    @ParameterizedTest(name = "the sink names the refused record in a batch: {0}")
    @ValueSource(booleans = {false, true})
    void aRecordTheSinkRefusesForWhatItIsIsSetAsideAndTheRealmsLaterRecordsFlow(boolean namesIt, KeycloakClient kc, AuditSink sink) {
        String refusedRole = "it-refused-" + UUID.randomUUID();
        String laterRole = "it-after-refused-" + UUID.randomUUID();
        long deadBefore = kc.adminGet(AUDIT + "/delivery").get(0).path("deadLetters").asLong();
        sink.refuse(record -> record.toString().contains(refusedRole), namesIt);
        try {
            expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", refusedRole)), 201);
            expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", laterRole)), 201);
            Await.until(() -> sink.deliveries().stream().anyMatch(d -> d.record().toString().contains(laterRole)),
                    "the later record delivered once the refused one is set aside");
            JsonNode delivery = kc.adminGet(AUDIT + "/delivery").get(0);
            assertEquals(deadBefore + 1, delivery.path("deadLetters").asLong(), "only the refused record set aside: " + delivery);
            assertTrue(sink.deliveries().stream().noneMatch(d -> d.record().toString().contains(refusedRole)));
        } finally {
            sink.refuse(record -> false);
        }
        kc.admin("DELETE", "/" + REALM + "/roles/" + refusedRole, null);
        kc.admin("DELETE", "/" + REALM + "/roles/" + laterRole, null);
    }

    @Test
    void deliveryMetricsArePublished(KeycloakServer server, KeycloakClient kc, AuditSink sink) {
        String role = "it-metrics-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
        kc.admin("DELETE", "/" + REALM + "/roles/" + role, null);
        Await.until(() -> pending(kc) == 0, "forwarded");
        String metrics = kc.send("GET", server.managementUrl() + "/metrics", null, null).body();
        String tag = "sink=\"" + sink.url() + "\"";
        assertTrue(metrics.contains("kinga_audit_outbox_pending{" + tag), metrics);
        assertTrue(metrics.contains("kinga_audit_outbox_lag_seconds{" + tag), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("kinga_audit_delivered_total{" + tag) && !l.endsWith(" 0.0")),
                "some records delivered");
    }

    @Test
    void secretsNeverReachTheTrail(KeycloakServer server, KeycloakClient kc, AuditSink sink) throws Exception {
        String clientSecret = "It-Client-Secret-" + UUID.randomUUID();
        String password = "It-Password-" + UUID.randomUUID() + "!A1";
        HttpResponse<String> client = kc.admin("POST", "/" + REALM + "/clients", Map.of(
                "clientId", "it-secret-" + UUID.randomUUID(), "publicClient", false, "secret", clientSecret,
                "serviceAccountsEnabled", true));
        expect(client, 201);
        String userId = kc.createUser(REALM, "it-secret-" + UUID.randomUUID(), "Initial-Password-1!");
        expect(kc.admin("PUT", "/" + REALM + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false)), 204);
        Await.until(() -> pending(kc) == 0, "forwarded");

        JsonNode created = kc.adminGet(AUDIT + "/records?type=ADMIN_CREATE_CLIENT&max=1").get(0);
        assertEquals("[REDACTED]", created.path("details").path("representation").path("secret").asText(), created.toString());
        String everything = kc.adminGet(AUDIT + "/records?max=1000").toString();
        assertFalse(everything.contains(clientSecret));
        assertFalse(everything.contains(password));
        assertFalse(sink.deliveries().toString().contains(clientSecret));
        assertFalse(sink.deliveries().toString().contains(password));
        try (Connection db = server.openDatabase()) {
            for (String secret : List.of(clientSecret, password)) {
                assertEquals(0, count(db, "SELECT COUNT(*) FROM KINGA_AUDIT_RECORD WHERE DETAILS LIKE ?", "%" + secret + "%"));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM KINGA_AUDIT_OUTBOX WHERE PAYLOAD LIKE ?", "%" + secret + "%"));
            }
        }
    }

    @Test
    void fifthFailedLoginRaisesAnAlertThatIsForwarded(KeycloakClient kc, AuditSink sink) {
        String username = "it-brute-" + UUID.randomUUID();
        String userId = kc.createUser(REALM, username, "Correct-Password-1!");
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, "Wrong-1!x"));
            assertEquals(0, alerts(kc, userId).size(), "no alert after failure " + attempt);
        }
        assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, "Wrong-1!x"));
        JsonNode alerts = alerts(kc, userId);
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("failed-logins", alerts.get(0).path("details").path("rule").asText());
        assertEquals("CRITICAL", alerts.get(0).path("severity").asText());
        String alertId = alerts.get(0).path("id").asText();
        Await.until(() -> sink.deliveries().stream().anyMatch(d -> alertId.equals(d.recordId())), "alert forwarded");
    }

    @Test
    void failuresForManyAccountsFromOneAddressRaiseACredentialStuffingAlert(KeycloakClient kc) {
        long start = System.currentTimeMillis();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 10; i++) {
            String typed = "nobody-" + run + "-" + i;
            assertThrows(AssertionError.class, () -> kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, typed, "Guess-1!x"));
        }
        JsonNode failures = kc.adminGet(AUDIT + "/records?type=LOGIN_ERROR&from=" + start + "&max=50");
        assertTrue(failures.size() >= 10, failures.toString());
        failures.forEach(f -> {
            assertTrue(f.path("subject").asText().matches("unknown:[0-9a-f]{32}"), "a pseudonym: " + f.path("subject"));
            assertFalse(f.toString().contains(run), "what was typed is not stored: " + f);
        });
        JsonNode alerts = kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&from=" + start + "&max=50");
        List<JsonNode> stuffing = new ArrayList<>();
        alerts.forEach(a -> {
            if ("credential-stuffing".equals(a.path("details").path("rule").asText())) {
                stuffing.add(a);
            }
        });
        assertEquals(1, stuffing.size(), alerts.toString());
        assertEquals("CRITICAL", stuffing.get(0).path("severity").asText());
    }

    @Test
    void grantingAPrivilegedRoleRaisesAnAlert(KeycloakClient kc) {
        String userId = kc.createUser(REALM, "it-priv-" + UUID.randomUUID(), "Some-Password-1!");
        JsonNode administrator = kc.adminGet("/" + REALM + "/roles/administrator");
        expect(kc.admin("POST", "/" + REALM + "/users/" + userId + "/role-mappings/realm", List.of(administrator)), 204);
        JsonNode alerts = alerts(kc, userId);
        assertEquals(2, alerts.size(), alerts.toString());
        JsonNode privileged = null;
        JsonNode permissions = null;
        for (JsonNode a : alerts) {
            switch (a.path("details").path("rule").asText()) {
                case "privileged-role-granted" -> privileged = a;
                case "kinga-permission-granted" -> permissions = a;
                default -> { }
            }
        }
        assertEquals("[\"administrator\"]", privileged.path("details").path("roles").toString(), alerts.toString());
        assertEquals("CRITICAL", permissions.path("severity").asText());
        assertTrue(permissions.path("details").path("permissions").toString().contains("users:manage"),
                "what the role carries through its composites: " + permissions);
    }

    @Test
    void pruningLeavesASignedCheckpointThatGuardsTheRest(KeycloakServer server, KeycloakClient kc) throws Exception {
        String realm = "it-prune-" + UUID.randomUUID().toString().substring(0, 8);
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", realm, "enabled", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true), kc.adminToken()), 201);
        try {
            for (int i = 0; i < 3; i++) {
                expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "r" + i)), 201);
            }
            Thread.sleep(5);
            long cutoff = System.currentTimeMillis();
            expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "kept")), 201);

            JsonNode pruned = json(expect(kc.admin("POST", "/" + realm + "/kinga-audit/prune?before=" + cutoff, null), 200));
            assertEquals(3, pruned.path("pruned").asLong());
            JsonNode verified = kc.adminGet("/" + realm + "/kinga-audit/verify");
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
            assertEquals(3, verified.path("checkpointSeq").asLong());
            assertEquals(2, verified.path("checkedRecords").asLong(), "the kept role and the AUDIT_PRUNED record");

            String realmId = kc.adminGet("/" + realm).path("id").asText();
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_CHECKPOINT SET HASH = ? WHERE REALM_ID = ?", "f".repeat(64), realmId);
            }
            JsonNode forged = kc.adminGet("/" + realm + "/kinga-audit/verify");
            assertFalse(forged.path("valid").asBoolean());
            assertEquals("checkpoint_signature_invalid", forged.path("firstBroken").path("reason").asText());
        } finally {
            kc.admin("DELETE", "/" + realm, null);
        }
    }

    @Test
    void aChainRewrittenWithEveryHashRecomputedIsCaughtByItsAnchors(KeycloakServer server, KeycloakClient kc) throws Exception {
        String realm = "it-anchor-" + UUID.randomUUID().toString().substring(0, 8);
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", realm, "enabled", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true), kc.adminToken()), 201);
        try {
            for (int i = 0; i < 3; i++) {
                expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "r" + i)), 201);
            }
            long anchored = json(expect(kc.admin("POST", "/" + realm + "/kinga-audit/anchor", null), 200)).path("anchoredSeq").asLong();
            expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "after")), 201);
            JsonNode verified = kc.adminGet("/" + realm + "/kinga-audit/verify");
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
            assertEquals(anchored + 1, verified.path("lastAnchorSeq").asLong(), "the anchor record follows the head it anchors");

            // Someone with database access edits a record before the anchor and recomputes every hash after it.
            String realmId = kc.adminGet("/" + realm).path("id").asText();
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?", "{\"forged\":true}", realmId, 2L);
                rehash(db, realmId, 2);
            }
            JsonNode rewritten = kc.adminGet("/" + realm + "/kinga-audit/verify");
            assertFalse(rewritten.path("valid").asBoolean(), rewritten.toString());
            assertEquals("anchor_mismatch", rewritten.path("firstBroken").path("reason").asText(), rewritten.toString());
            assertEquals(anchored + 1, rewritten.path("firstBroken").path("seq").asLong());

            // Rewriting the anchor's statement too needs the anchor key, which is not in the database.
            try (Connection db = server.openDatabase()) {
                String details = queryString(db, "SELECT DETAILS FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, anchored + 1);
                String newHead = queryString(db, "SELECT HASH FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, anchored);
                String oldHead = KeycloakClient.JSON.readTree(details).path("anchoredHash").asText();
                update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?",
                        details.replace(oldHead, newHead), realmId, anchored + 1);
                rehash(db, realmId, anchored + 1);
            }
            JsonNode forged = kc.adminGet("/" + realm + "/kinga-audit/verify");
            assertEquals("anchor_signature_invalid", forged.path("firstBroken").path("reason").asText(), forged.toString());
        } finally {
            kc.admin("DELETE", "/" + realm, null);
        }
    }

    /** A new realm with three records, an anchor after them and one more record; the anchor's sequence number. */
    private static long anchoredRealm(KeycloakClient kc, String realm) {
        expect(kc.send("POST", kc.baseUrl() + "/admin/realms", Map.of("realm", realm, "enabled", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true), kc.adminToken()), 201);
        for (int i = 0; i < 3; i++) {
            expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "r" + i)), 201);
        }
        long anchored = json(expect(kc.admin("POST", "/" + realm + "/kinga-audit/anchor", null), 200)).path("anchoredSeq").asLong();
        expect(kc.admin("POST", "/" + realm + "/roles", Map.of("name", "after")), 201);
        return anchored + 1;
    }

    @Test
    void anAnchorRetypedOrStrippedIsStillFoundByWhatItStates(KeycloakServer server, KeycloakClient kc) throws Exception {
        // The second review's rewrite: change a record, retype the anchor, recompute every later hash and the head.
        String retyped = "it-retype-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long anchorSeq = anchoredRealm(kc, retyped);
            String realmId = kc.adminGet("/" + retyped).path("id").asText();
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?", "{\"forged\":true}", realmId, 2L);
                update(db, "UPDATE KINGA_AUDIT_RECORD SET TYPE = ? WHERE REALM_ID = ? AND SEQ = ?", "ADMIN_CREATE_ROLE", realmId, anchorSeq);
                rehash(db, realmId, 2);
            }
            JsonNode rewritten = kc.adminGet("/" + retyped + "/kinga-audit/verify");
            assertFalse(rewritten.path("valid").asBoolean(), rewritten.toString());
            assertEquals("anchor_mismatch", rewritten.path("firstBroken").path("reason").asText(), rewritten.toString());
            assertEquals(anchorSeq, rewritten.path("firstBroken").path("seq").asLong());
        } finally {
            kc.admin("DELETE", "/" + retyped, null);
        }

        // Stripping the anchor's fields as well leaves records older than the anchor schedule with no anchor after them.
        String stripped = "it-strip-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long anchorSeq = anchoredRealm(kc, stripped);
            JsonNode before = kc.adminGet("/" + stripped + "/kinga-audit/verify");
            assertTrue(before.path("valid").asBoolean(), before.toString());
            assertEquals(1, before.path("anchorsChecked").asLong(), before.toString());
            assertEquals(anchorSeq, before.path("lastAnchorSeq").asLong());
            String realmId = kc.adminGet("/" + stripped).path("id").asText();
            long threeDaysAgo = System.currentTimeMillis() - 3 * 86_400_000L; // the shared server anchors daily
            try (Connection db = server.openDatabase()) {
                try (PreparedStatement st = prepare(db, "UPDATE KINGA_AUDIT_RECORD SET EVENT_TIME = ? WHERE REALM_ID = ?", threeDaysAgo, realmId)) {
                    assertTrue(st.executeUpdate() > anchorSeq, "every record of the realm");
                }
                update(db, "UPDATE KINGA_AUDIT_RECORD SET TYPE = ?, DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?",
                        "ADMIN_CREATE_ROLE", "{}", realmId, anchorSeq);
                rehash(db, realmId, 1);
            }
            JsonNode missing = kc.adminGet("/" + stripped + "/kinga-audit/verify");
            assertFalse(missing.path("valid").asBoolean(), missing.toString());
            assertEquals("anchor_missing", missing.path("firstBroken").path("reason").asText(), missing.toString());
            assertEquals(1, missing.path("firstBroken").path("seq").asLong(), "the oldest record no anchor vouches for");
            assertEquals(0, missing.path("anchorsChecked").asLong());

            // Any record stating anchor fields is checked as an anchor, whatever its type.
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_RECORD SET DETAILS = ? WHERE REALM_ID = ? AND SEQ = ?",
                        "{\"anchoredSeq\":1,\"anchoredHash\":\"x\",\"anchorKeyId\":\"ita1\",\"anchorMac\":\"00\"}", realmId, anchorSeq);
                rehash(db, realmId, anchorSeq);
            }
            assertEquals("anchor_signature_invalid", kc.adminGet("/" + stripped + "/kinga-audit/verify").path("firstBroken").path("reason").asText());

            // A time moved into the future (to keep records out of the anchor_missing rule) is a break of its own.
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_RECORD SET EVENT_TIME = ? WHERE REALM_ID = ? AND SEQ = ?",
                        System.currentTimeMillis() + 86_400_000L, realmId, 1L);
                rehash(db, realmId, 1);
            }
            JsonNode future = kc.adminGet("/" + stripped + "/kinga-audit/verify");
            assertEquals("time_in_future", future.path("firstBroken").path("reason").asText(), future.toString());
            assertEquals(1, future.path("firstBroken").path("seq").asLong());

            // Nor may a record be moved back behind the ones before it.
            try (Connection db = server.openDatabase()) {
                update(db, "UPDATE KINGA_AUDIT_RECORD SET EVENT_TIME = ? WHERE REALM_ID = ? AND SEQ = ?", threeDaysAgo, realmId, 1L);
                update(db, "UPDATE KINGA_AUDIT_RECORD SET EVENT_TIME = ? WHERE REALM_ID = ? AND SEQ = ?", threeDaysAgo - 3_600_000L, realmId, 3L);
                rehash(db, realmId, 1);
            }
            JsonNode backwards = kc.adminGet("/" + stripped + "/kinga-audit/verify");
            assertEquals("time_out_of_order", backwards.path("firstBroken").path("reason").asText(), backwards.toString());
            assertEquals(3, backwards.path("firstBroken").path("seq").asLong());
        } finally {
            kc.admin("DELETE", "/" + stripped, null);
        }
    }

    @Test
    void theIntakeOutsideTheDatabaseCatchesAnAnchorRemovedAndTheChainRenumbered(KeycloakServer server, KeycloakClient kc) throws Exception {
        String realm = "it-sinkview-" + UUID.randomUUID().toString().substring(0, 8);
        try (SidecarProcess intake = SidecarProcess.start(server, "sidecar-intake-view", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(KeycloakExtension.INTAKE_PORT),
                "KINGA_AUDIT_INTAKE_KEY", KeycloakExtension.INTAKE_KEY))) {
            long anchorSeq = anchoredRealm(kc, realm);
            String verify = "/" + realm + "/kinga-audit/verify";
            long head = kc.adminGet(verify).path("toSeq").asLong();
            Await.until(() -> kc.adminGet(verify).path("sinks").findValues("lastSeq").stream().anyMatch(n -> n.asLong() == head),
                    "the intake holds the realm's chain up to its head");
            JsonNode agreed = kc.adminGet(verify);
            assertTrue(agreed.path("valid").asBoolean(), agreed.toString());
            JsonNode view = intakeView(agreed);
            assertTrue(view.path("agrees").asBoolean(), agreed.toString());
            assertEquals(anchorSeq, view.path("lastAnchorSeq").asLong(), "the intake knows the newest anchor");

            // Delete the anchor, renumber every later record, recompute every hash and the head: a consistent chain, fresh times.
            String realmId = kc.adminGet("/" + realm).path("id").asText();
            try (Connection db = server.openDatabase()) {
                update(db, "DELETE FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, anchorSeq);
                for (long seq = anchorSeq + 1; seq <= head; seq++) {
                    update(db, "UPDATE KINGA_AUDIT_RECORD SET SEQ = ? WHERE REALM_ID = ? AND SEQ = ?", seq - 1, realmId, seq);
                }
                update(db, "UPDATE KINGA_AUDIT_HEAD SET LAST_SEQ = ? WHERE REALM_ID = ?", head - 1, realmId);
                rehash(db, realmId, anchorSeq);
            }
            JsonNode renumbered = kc.adminGet(verify);
            assertFalse(renumbered.path("valid").asBoolean(), renumbered.toString());
            assertEquals("sink_ahead", renumbered.path("firstBroken").path("reason").asText(), renumbered.toString());
            assertFalse(intakeView(renumbered).path("agrees").asBoolean());

            // A record put back in its place to keep the count: the intake's record at that number has another hash.
            try (Connection db = server.openDatabase()) {
                Map<String, Object> copy = row(db, realmId, head - 1);
                String id = UUID.randomUUID().toString();
                copy.replaceAll((column, value) -> column.equalsIgnoreCase("ID") ? id
                        : column.equalsIgnoreCase("SEQ") ? Long.toString(head) : value);
                insert(db, copy);
                update(db, "UPDATE KINGA_AUDIT_HEAD SET LAST_SEQ = ? WHERE REALM_ID = ?", head, realmId);
                rehash(db, realmId, head);
            }
            JsonNode refilled = kc.adminGet(verify);
            assertFalse(refilled.path("valid").asBoolean(), refilled.toString());
            assertEquals("sink_mismatch", refilled.path("firstBroken").path("reason").asText(), refilled.toString());
            assertEquals(head, refilled.path("firstBroken").path("seq").asLong());

            // Keycloak anchors the forged head at its next anchor and forwards it: the sink's last record and
            // newest anchor now match the database, but the anchor did not continue what the sink held.
            long forgedAnchor = json(expect(kc.admin("POST", "/" + realm + "/kinga-audit/anchor", null), 200)).path("anchoredSeq").asLong() + 1;
            Await.until(() -> kc.adminGet(verify).path("sinks").findValues("lastSeq").stream().anyMatch(n -> n.asLong() == forgedAnchor),
                    "the intake holds the anchor of the forged head");
            JsonNode reanchored = kc.adminGet(verify);
            assertFalse(reanchored.path("valid").asBoolean(), reanchored.toString());
            assertEquals("sink_chain_break", reanchored.path("firstBroken").path("reason").asText(), reanchored.toString());
            assertEquals(forgedAnchor, reanchored.path("firstBroken").path("seq").asLong());
        } finally {
            kc.admin("DELETE", "/" + realm, null);
        }
    }

    private static JsonNode intakeView(JsonNode verified) {
        for (JsonNode sink : verified.path("sinks")) {
            if (sink.path("sink").asText().equals(KeycloakExtension.intakeUrl())) {
                return sink;
            }
        }
        throw new AssertionError("no view of the intake in " + verified);
    }

    @Test
    void theApiCannotPruneBelowTheConfiguredRetentionFloor(KeycloakServer server, KeycloakClient kc) throws Exception {
        String floor = "--spi-events-listener--kinga-audit--retention-floor-days";
        server.restartWithOptions(Map.of(floor, "90"));
        try {
            JsonNode before = verify(kc);
            HttpResponse<String> refused = kc.admin("POST", AUDIT + "/prune?before=" + (System.currentTimeMillis() - 86_400_000L), null);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("retention floor"), refused.body());
            JsonNode after = verify(kc);
            assertTrue(after.path("valid").asBoolean());
            assertEquals(before.path("fromSeq").asLong(), after.path("fromSeq").asLong(), "nothing pruned: " + after);
        } finally {
            java.util.HashMap<String, String> restore = new java.util.HashMap<>();
            restore.put(floor, null);
            server.restartWithOptions(restore);
        }
    }

    @Test
    void alteredPersonalPartIsReported(KeycloakServer server, KeycloakClient kc) throws Exception {
        String role = "it-personal-" + UUID.randomUUID();
        expect(kc.admin("POST", "/" + REALM + "/roles", Map.of("name", role)), 201);
        String realmId = kc.adminGet("/" + REALM).path("id").asText();
        try (Connection db = server.openDatabase()) {
            String seqText = queryString(db, "SELECT MAX(SEQ) FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND PERSONAL IS NOT NULL", realmId);
            long target = Long.parseLong(seqText);
            String personal = queryString(db, "SELECT PERSONAL FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, target);
            String ip = queryString(db, "SELECT ACTOR_IP FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, target);
            String commit = queryString(db, "SELECT PERSONAL_COMMIT FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, target);
            assertTrue(personal.contains("\"ip\""), "the admin's address is in the personal part: " + personal);

            update(db, "UPDATE KINGA_AUDIT_RECORD SET PERSONAL = ?, ACTOR_IP = ? WHERE REALM_ID = ? AND SEQ = ?",
                    personal.replace(ip, "203.0.113.9"), "203.0.113.9", realmId, target);
            JsonNode altered = verify(kc);
            assertFalse(altered.path("valid").asBoolean(), altered.toString());
            assertEquals(target, altered.path("firstBroken").path("seq").asLong());
            assertEquals("personal_mismatch", altered.path("firstBroken").path("reason").asText());

            update(db, "UPDATE KINGA_AUDIT_RECORD SET PERSONAL = ?, ACTOR_IP = ? WHERE REALM_ID = ? AND SEQ = ?",
                    personal, "203.0.113.9", realmId, target);
            assertEquals("personal_mismatch", verify(kc).path("firstBroken").path("reason").asText(),
                    "the address column must agree with the committed part");

            update(db, "UPDATE KINGA_AUDIT_RECORD SET ACTOR_IP = ?, PERSONAL_COMMIT = ? WHERE REALM_ID = ? AND SEQ = ?",
                    ip, "0".repeat(64), realmId, target);
            assertEquals("hash_mismatch", verify(kc).path("firstBroken").path("reason").asText(),
                    "the commitment itself is hashed");

            update(db, "UPDATE KINGA_AUDIT_RECORD SET PERSONAL_COMMIT = ? WHERE REALM_ID = ? AND SEQ = ?",
                    commit, realmId, target);
        }
        assertTrue(verify(kc).path("valid").asBoolean());
        kc.admin("DELETE", "/" + REALM + "/roles/" + role, null);
    }

    /** Recomputes PREV_HASH and HASH from {@code fromSeq} to the head, and the head row, as a careful forger would. */
    private static void rehash(Connection db, String realmId, long fromSeq) throws Exception {
        String prev = fromSeq == 1 ? dev.kinga.keycloak.audit.AuditEntry.GENESIS_HASH
                : queryString(db, "SELECT HASH FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, fromSeq - 1);
        long seq = fromSeq;
        while (true) {
            Map<String, Object> r;
            try (PreparedStatement st = prepare(db, "SELECT * FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, seq);
                 ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    break;
                }
                r = new java.util.HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    r.put(rs.getMetaData().getColumnName(i).toUpperCase(), rs.getString(i));
                }
            }
            String canonical = dev.kinga.keycloak.audit.AuditEntry.canonical(realmId, seq, Long.parseLong((String) r.get("EVENT_TIME")),
                    (String) r.get("TYPE"), (String) r.get("SEVERITY"), (String) r.get("OUTCOME"), (String) r.get("ACTOR_USER_ID"),
                    (String) r.get("ACTOR_CLIENT_ID"), (String) r.get("ACTOR_IP"), (String) r.get("SUBJECT"),
                    (String) r.get("RESOURCE_PATH"), (String) r.get("DETAILS"), Integer.parseInt((String) r.get("FORMAT")),
                    (String) r.get("PERSONAL_COMMIT"));
            String hash = dev.kinga.keycloak.audit.AuditEntry.hash(prev, canonical);
            update(db, "UPDATE KINGA_AUDIT_RECORD SET PREV_HASH = ?, HASH = ? WHERE REALM_ID = ? AND SEQ = ?", prev, hash, realmId, seq);
            prev = hash;
            seq++;
        }
        update(db, "UPDATE KINGA_AUDIT_HEAD SET LAST_HASH = ? WHERE REALM_ID = ?", prev, realmId);
    }

    @Test
    void endpointsRequireAnAdminAndRejectBadInput(KeycloakClient kc) {
        String url = kc.baseUrl() + "/admin/realms" + AUDIT + "/records";
        assertEquals(401, kc.send("GET", url, null, null).statusCode());
        String therapist = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, THERAPIST, PASSWORD).path("access_token").asText();
        assertEquals(403, kc.send("GET", url, null, therapist).statusCode());
        assertEquals(403, kc.send("GET", kc.baseUrl() + "/admin/realms" + AUDIT + "/verify", null, therapist).statusCode());

        for (String bad : List.of("/records?max=0", "/records?max=5000", "/records?first=-1", "/records?severity=LOUD",
                "/verify?from=5&to=2", "/verify?from=0")) {
            HttpResponse<String> response = kc.admin("GET", AUDIT + bad, null);
            assertEquals(400, response.statusCode(), bad + ": " + response.body());
            assertEquals("invalid_request", json(response).path("error").asText());
        }
        assertEquals(400, kc.admin("POST", AUDIT + "/prune", null).statusCode());
        assertEquals(400, kc.admin("POST", AUDIT + "/prune?before=" + (System.currentTimeMillis() + 86_400_000L), null).statusCode());
        int notANumber = kc.admin("GET", AUDIT + "/records?max=abc", null).statusCode();
        assertTrue(notANumber >= 400 && notANumber < 500, "non-numeric max: " + notANumber);
    }

    // --- helpers ---------------------------------------------------------------------

    private static JsonNode verify(KeycloakClient kc) {
        return kc.adminGet(AUDIT + "/verify");
    }

    private static JsonNode alerts(KeycloakClient kc, String userId) {
        return kc.adminGet(AUDIT + "/records?type=SECURITY_ALERT&user=" + userId);
    }

    /** Records waiting for the test sink (the sidecar's intake, the shared server's other sink, is left out). */
    private static long pending(KeycloakClient kc) {
        long pending = 0;
        for (JsonNode sink : kc.adminGet(AUDIT + "/delivery")) {
            if (!sink.path("sink").asText().equals(KeycloakExtension.intakeUrl())) {
                pending += sink.path("pending").asLong();
            }
        }
        return pending;
    }

    private static String userId(KeycloakClient kc, String username) {
        return kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
    }

    private static String queryString(Connection db, String sql, Object... args) throws Exception {
        try (PreparedStatement st = prepare(db, sql, args); ResultSet rs = st.executeQuery()) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static long count(Connection db, String sql, Object... args) throws Exception {
        try (PreparedStatement st = prepare(db, sql, args); ResultSet rs = st.executeQuery()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static void update(Connection db, String sql, Object... args) throws Exception {
        try (PreparedStatement st = prepare(db, sql, args)) {
            assertEquals(1, st.executeUpdate(), sql);
        }
    }

    private static Map<String, Object> row(Connection db, String realmId, long seq) throws Exception {
        try (PreparedStatement st = prepare(db, "SELECT * FROM KINGA_AUDIT_RECORD WHERE REALM_ID = ? AND SEQ = ?", realmId, seq);
             ResultSet rs = st.executeQuery()) {
            assertTrue(rs.next());
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
            }
            return row;
        }
    }

    private static void insert(Connection db, Map<String, Object> row) throws Exception {
        String columns = String.join(", ", row.keySet());
        String marks = String.join(", ", row.keySet().stream().map(c -> "?").toList());
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            String name = e.getKey().toUpperCase();
            Object value = e.getValue();
            if (value != null && (name.equals("SEQ") || name.equals("EVENT_TIME"))) {
                value = Long.parseLong((String) value);
            } else if (value != null && name.equals("FORMAT")) {
                value = Integer.parseInt((String) value);
            }
            values.add(value);
        }
        try (PreparedStatement st = prepare(db, "INSERT INTO KINGA_AUDIT_RECORD (" + columns + ") VALUES (" + marks + ")",
                values.toArray())) {
            assertEquals(1, st.executeUpdate());
        }
    }

    private static PreparedStatement prepare(Connection db, String sql, Object... args) throws Exception {
        PreparedStatement st = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
        return st;
    }
}
