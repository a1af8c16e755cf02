package dev.kinga.keycloak.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.AppConnector;
import dev.kinga.keycloak.testing.AuditSink;
import dev.kinga.keycloak.testing.Await;
import dev.kinga.keycloak.testing.Balancer;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakCluster;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.MfaAutomation;
import dev.kinga.keycloak.testing.SidecarProcess;
import dev.kinga.keycloak.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kinga on two real Keycloak nodes of one cluster (PostgreSQL, JDBC_PING), behind the HAProxy
 * configuration {@code ./kinga cluster} ships: what one node decides, the other honours at once;
 * a session outlives its node; the audit trail stays one gapless chain forwarded once; two
 * sidecars on one database run each job once. Runs in the PostgreSQL pass of {@code .ci/run}.
 */
@Tag("cluster") // left out of the embedded pass (pom: kinga.it.excludedGroups)
@EnabledIfSystemProperty(named = "kinga.it.cluster.db.url", matches = ".+",
        disabledReason = "needs PostgreSQL for the two nodes: mvn verify -Ppostgres (as .ci/run does)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the node is killed last: the others run on a settled cluster
class ClusterIT {

    private static final String SERVICE = "kinga-reports-service";
    private static final String GATEWAY = "kinga-gateway";
    private static final int KEY_TOKENS_PER_MINUTE = 120;
    private static final int KEY_BURST = 60; // the shipped default
    private static KeycloakCluster cluster;
    private static AuditSink sink;
    private static Balancer balancer;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        sink = new AuditSink(KeycloakServer.freePort());
        sink.up();
        cluster = KeycloakCluster.start(List.of(
                "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + KeycloakExtension.productionCatalogue(),
                "--spi-events-listener--kinga-audit--sinks=" + sink.url(),
                "--spi-events-listener--kinga-audit--forward-interval-ms=200",
                "--spi-events-listener--kinga-audit--max-backoff-ms=1000",
                // 2 a second after a burst of 60: slow enough that a refill cannot pass for a shared limit
                "--spi-client-authenticator--kinga-api-key--rate-limit-per-minute=" + KEY_TOKENS_PER_MINUTE));
        if (Files.isExecutable(Balancer.HAPROXY)) {
            balancer = Balancer.start(cluster.node(0), cluster.node(1), KeycloakServer.freePort(), KeycloakServer.freePort(),
                    KeycloakServer.freePort(), KeycloakServer.freePort());
            balancer.awaitServer("keycloak_nodes", "a", true);
            balancer.awaitServer("keycloak_nodes", "b", true);
        }
    }

    @AfterAll
    static void stopTwoNodes() throws InterruptedException {
        if (balancer != null) {
            balancer.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sink != null) {
            sink.down();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aSignedInSessionContinuesOnTheOtherNodeWhenItsNodeIsKilled() throws Exception {
        Assumptions.assumeTrue(balancer != null, "SKIPPED: HAProxy is not installed at " + Balancer.HAPROXY + " (apt-get install haproxy)");
        KeycloakClient a = cluster.client(0);
        String username = "cluster-session-" + UUID.randomUUID().toString().substring(0, 8);
        a.createUser(REALM, username, PASSWORD);
        KeycloakClient lb = new KeycloakClient(balancer.keycloakUrl());
        KeycloakClient.LoginPage login = lb.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null);
        assertTrue(login.html().contains("action=\"" + balancer.keycloakUrl() + "/realms/"), "the login form posts through the balancer");
        KeycloakClient.Page signedIn = login.submitCredentials(username, PASSWORD);
        JsonNode tokens = signedIn.tokens();
        // Keycloak ends its session cookie with the name of the node that owns the session (its route),
        // the mark balancers stick sessions by; the node's log names it.
        String affinity = signedIn.cookie("AUTH_SESSION_ID");
        assertTrue(affinity != null && affinity.contains("."), "Keycloak marks the session's node: " + affinity);
        String route = affinity.substring(affinity.lastIndexOf('.') + 1);
        int home = cluster.node(0).log().contains("Node name: " + route + ",") ? 0 : 1;
        assertTrue(cluster.node(home).log().contains("Node name: " + route + ","), "the session's node is one of the two: " + route);

        cluster.node(home).kill(); // kill -9: no shutdown, nothing handed over
        try {
            balancer.awaitServer("keycloak_nodes", home == 0 ? "a" : "b", false);
            KeycloakClient.Page again = signedIn.authorizeAgain();
            assertFalse(again.has("kc-form-login"), "no new login: the session lives on the other node");
            JsonNode continued = again.tokens();
            assertEquals(KeycloakClient.claims(tokens.path("access_token").asText()).path("sid").asText(),
                    KeycloakClient.claims(continued.path("access_token").asText()).path("sid").asText(), "the same session");
            HttpResponse<String> refreshed = lb.postForm(balancer.keycloakUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                    Map.of("grant_type", "refresh_token", "client_id", SPA_CLIENT, "refresh_token", continued.path("refresh_token").asText()), null);
            assertEquals(200, refreshed.statusCode(), refreshed.body());
        } finally {
            cluster.restart(home);
            balancer.awaitServer("keycloak_nodes", home == 0 ? "a" : "b", true);
        }
    }

    @Test
    void loginsOnBothNodesMakeOneGaplessChainWhoseRecordsAreEachForwardedOnce() throws Exception {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);
        List<String> users = cheapUsers(a, "cluster-trail", 40); // ten people per thread: nobody signs in twice at the same moment
        assertEquals(200, a.passwordGrant(REALM, users.get(0), PASSWORD, null).statusCode(), "the test client exists before the load");
        long since = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> logins = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            KeycloakClient node = t % 2 == 0 ? a : b; // 2 x 200 logins, half on each node
            int thread = t;
            logins.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 100; i++) {
                    ok += node.passwordGrant(REALM, users.get(thread * 10 + i % 10), PASSWORD, null).statusCode() == 200 ? 1 : 0;
                }
                return ok;
            }));
        }
        int succeeded = 0;
        for (Future<Integer> f : logins) {
            succeeded += f.get();
        }
        pool.shutdown();
        assertEquals(400, succeeded, "every login succeeded");

        JsonNode verified = b.adminGet("/" + REALM + "/kinga-audit/verify");
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(0, verified.path("unsequencedRecords").asLong(), "verify links what is queued first: " + verified);
        List<JsonNode> records = recordsSince(a, since);
        Set<String> people = Set.copyOf(users);
        assertEquals(400, records.stream().filter(r -> "LOGIN".equals(r.path("type").asText())
                        && people.contains(r.path("details").path("username").asText())).count(),
                "every login is in the trail exactly once");
        assertGapless(records);
        Set<String> ids = new HashSet<>(records.stream().map(r -> r.path("id").asText()).toList());
        Await.until(() -> ids.stream().allMatch(id -> sink.deliveries().stream().anyMatch(d -> id.equals(d.recordId()))),
                "every record forwarded", Duration.ofSeconds(120));
        Map<String, Long> deliveries = sink.deliveries().stream().filter(d -> ids.contains(d.recordId()))
                .collect(Collectors.groupingBy(AuditSink.Delivery::recordId, Collectors.counting()));
        assertTrue(deliveries.values().stream().allMatch(n -> n == 1), "each record forwarded once, by one node: " + deliveries.values()
                .stream().filter(n -> n > 1).count() + " twice or more");
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void whenANodeIsKilledMidLoadTheOtherSequencesWhatItCommittedAndTheChainStaysWhole() throws Exception {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);
        List<String> users = cheapUsers(b, "cluster-kill", 20);
        Set<String> people = Set.copyOf(users);
        assertEquals(200, b.passwordGrant(REALM, users.get(0), PASSWORD, null).statusCode(), "the test client exists before the load");
        long since = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> logins = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            KeycloakClient node = t % 2 == 0 ? a : b;
            int thread = t;
            logins.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 80; i++) {
                    try {
                        ok += node.passwordGrant(REALM, users.get(thread * 5 + i % 5), PASSWORD, null).statusCode() == 200 ? 1 : 0;
                    } catch (RuntimeException e) {
                        // node a is gone: its requests fail from here on
                    }
                }
                return ok;
            }));
        }
        Thread.sleep(1500);
        cluster.node(0).kill(); // kill -9 mid-load: whatever batch it held rolls back, what it committed stays queued
        try {
            int succeeded = 0;
            for (Future<Integer> f : logins) {
                succeeded += f.get();
            }
            pool.shutdown();
            assertTrue(succeeded >= 160, "node b answered all of its logins: " + succeeded);
            // No verify here (it would link the queue itself): node b's own sequencer must take over.
            long killedAt = System.currentTimeMillis();
            Await.until(() -> recordsSince(b, since).stream().allMatch(r -> r.hasNonNull("seq")),
                    "node b sequenced everything node a committed", Duration.ofSeconds(15));
            long tookOver = System.currentTimeMillis() - killedAt;
            List<JsonNode> records = recordsSince(b, since);
            long recorded = records.stream().filter(r -> "LOGIN".equals(r.path("type").asText())
                    && people.contains(r.path("details").path("username").asText())).count();
            assertTrue(recorded >= succeeded && recorded <= 320, "every answered login once, none twice: " + recorded
                    + " recorded, " + succeeded + " answered, 320 tried");
            assertEquals(records.size(), records.stream().map(r -> r.path("id").asText()).distinct().count(), "no record twice");
            assertGapless(records);
            JsonNode verified = b.adminGet("/" + REALM + "/kinga-audit/verify");
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
            System.out.printf("ClusterIT: node a killed mid-load; node b had sequenced the rest %d ms after the load ended%n", tookOver);
        } finally {
            pool.shutdownNow();
            cluster.restart(0);
            if (balancer != null) {
                balancer.awaitServer("keycloak_nodes", "a", true);
            }
        }
    }

    /** Accounts for a load test, with cheap password hashing while they are made: these tests are about the trail, not PBKDF2. */
    private static List<String> cheapUsers(KeycloakClient kc, String prefix, int count) {
        String policy = kc.adminGet("/" + REALM).path("passwordPolicy").asText();
        expect(kc.admin("PUT", "/" + REALM, Map.of("passwordPolicy", policy + " and hashIterations(1000)")), 204);
        List<String> users = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String username = prefix + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
                kc.createUser(REALM, username, PASSWORD);
                users.add(username);
            }
        } finally {
            expect(kc.admin("PUT", "/" + REALM, Map.of("passwordPolicy", policy)), 204);
        }
        return users;
    }

    private static List<JsonNode> recordsSince(KeycloakClient kc, long since) {
        List<JsonNode> records = new ArrayList<>();
        for (int first = 0; ; first += 1000) {
            JsonNode page = kc.adminGet("/" + REALM + "/kinga-audit/records?from=" + since + "&first=" + first + "&max=1000");
            page.forEach(records::add);
            if (page.size() < 1000) {
                return records;
            }
        }
    }

    /** The realm's records in this stretch have consecutive numbers, whichever node wrote or linked them. */
    private static void assertGapless(List<JsonNode> records) {
        List<Long> seqs = records.stream().map(r -> r.path("seq").asLong()).sorted().toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "no gap and no repeat in the realm's sequence");
        }
    }

    @Test
    void aQueuedErasureRunsOnceWhenTwoSidecarsShareOneDatabase() throws Exception {
        String dbUrl = System.getProperty("kinga.it.cluster.sidecar.db.url", "");
        Assumptions.assumeFalse(dbUrl.isBlank(), "SKIPPED: kinga.it.cluster.sidecar.db.url is not set");
        KeycloakServer node = cluster.node(0);
        KeycloakClient a = cluster.client(0);
        SidecarProcess.resetDatabase(dbUrl, node.database().username(), node.database().password());
        Map<String, String> settings = Map.of("KINGA_SIDECAR_DB_URL", dbUrl, "KINGA_DSR_POLL_INTERVAL", "200ms",
                "KINGA_DSR_WORKERS", "4", "KINGA_RATE_LIMIT_REQUESTS_PER_MINUTE", "100000");
        String officerName = "cluster-dpo-" + UUID.randomUUID().toString().substring(0, 6);
        String officerId = a.createUser(REALM, officerName, PASSWORD);
        expect(a.admin("POST", "/" + REALM + "/users/" + officerId + "/role-mappings/realm",
                List.of(a.adminGet("/" + REALM + "/roles/privacy-officer"))), 204);
        String officer = a.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of()).path("access_token").asText();
        try (AppConnector app = new AppConnector("cluster-app-connector-secret-0123456789abcdef");
             SidecarProcess one = SidecarProcess.start(node, "cluster-sidecar-a", settings);
             SidecarProcess two = SidecarProcess.start(node, "cluster-sidecar-b", settings)) {
            expect(a.send("PUT", one.url() + "/api/v1/connectors/cluster-app", Map.of("url", app.url(), "secret", app.secret), officer), 201);
            List<String> people = new ArrayList<>();
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String id = a.createUser(REALM, "cluster-erase-" + i + "-" + UUID.randomUUID().toString().substring(0, 4), PASSWORD);
                app.hold(id, "a message");
                people.add(id);
                SidecarProcess via = i % 2 == 0 ? one : two;
                requests.add(json(expect(a.send("POST", via.url() + "/api/v1/dsr", Map.of("type", "erasure", "subject", id, "graceDays", 0),
                        officer), 201)).path("id").asText());
            }
            Await.until(() -> requests.stream().allMatch(r -> "completed".equals(json(a.send("GET", two.url() + "/api/v1/dsr/" + r, null, officer))
                    .path("status").asText())), "every erasure completed", Duration.ofSeconds(120));
            for (String person : people) {
                assertEquals(1, app.erasures(person), "erased once in the app");
                assertEquals(1, app.eraseDeliveries(person), "asked once: no two sidecars ran one job");
                assertEquals(404, a.admin("GET", "/" + REALM + "/users/" + person, null).statusCode());
            }
        }
    }

    @Test
    void anApiKeyRevokedOrRotatedOnOneNodeIsRefusedOnTheOtherWithinOneSecond() throws Exception {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);

        String revoked = createKey(a);
        assertEquals(200, token(b, revoked).statusCode(), "node B knows (and caches) the key");
        String prefix = revoked.substring(0, revoked.lastIndexOf('_'));
        expect(a.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys/" + prefix + "/revoke", null), 200);
        long refusedAfter = millisUntilRefused(b, revoked);
        assertTrue(refusedAfter <= 1_000, "refused on node B after " + refusedAfter + " ms");
        assertFalse(json(introspect(b, revoked)).path("active").asBoolean(), "the gateway on node B agrees");

        String rotated = createKey(a);
        assertEquals(200, token(b, rotated).statusCode());
        String oldPrefix = rotated.substring(0, rotated.lastIndexOf('_'));
        String replacement = json(expect(a.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys/" + oldPrefix
                + "/rotate", Map.of("overlapHours", 0)), 201)).path("apiKey").asText();
        long endedAfter = millisUntilRefused(b, rotated);
        assertTrue(endedAfter <= 1_000, "rotation with overlapHours 0 ends the old key on node B after " + endedAfter + " ms");
        assertEquals(200, token(b, replacement).statusCode(), "the new key works on node B");
    }

    @Test
    void anApiKeysRateLimitHoldsForBothNodesTogether() throws Exception {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);
        String key = createKey(a);
        int admittedByA = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < KEY_BURST * 2 && refused == null; i++) {
            HttpResponse<String> response = token(a, key);
            if (response.statusCode() == 200) {
                admittedByA++;
            } else {
                refused = response;
            }
        }
        assertTrue(refused != null && refused.statusCode() == 429, "node A refuses past the burst: " + (refused == null ? "never" : refused.body()));
        assertTrue(admittedByA >= KEY_BURST, "node A admitted its burst of " + KEY_BURST + ": " + admittedByA);
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());

        Thread.sleep(1_200); // more than the 500 ms in which node A tells node B what it admitted
        int admittedByB = 0;
        for (int i = 0; i < 10; i++) {
            if (token(b, key).statusCode() == 200) {
                admittedByB++;
            }
        }
        // Node B's own bucket is full: unshared, it would admit all 10. Shared, it admits what
        // refilled since (2 a second), so the pair admits the limit, not twice the burst.
        assertTrue(admittedByB <= 5, "node B admitted " + admittedByB + " of 10 after node A spent the key's burst");
    }

    @Test
    void aSidecarStartedBeforeItsDatabaseAnswersWaitsForItAndTwoSidecarsLimitRequestsTogether() throws Exception {
        String dbUrl = System.getProperty("kinga.it.cluster.sidecar.db.url", "");
        Assumptions.assumeFalse(dbUrl.isBlank(), "SKIPPED: kinga.it.cluster.sidecar.db.url is not set");
        KeycloakServer node = cluster.node(0);
        SidecarProcess.resetDatabase(dbUrl, node.database().username(), node.database().password());
        java.net.URI pg = java.net.URI.create(dbUrl.substring("jdbc:".length()));
        int perMinute = 20;
        Map<String, String> settings = Map.of("KINGA_SIDECAR_DB_URL", dbUrl,
                "KINGA_RATE_LIMIT_REQUESTS_PER_MINUTE", Integer.toString(perMinute));
        try (TcpRelay lateDatabase = new TcpRelay(pg.getHost(), pg.getPort());
             SidecarProcess one = SidecarProcess.start(node, "cluster-limit-a", settings)) {
            String throughRelay = "jdbc:postgresql://127.0.0.1:" + lateDatabase.port() + pg.getPath();
            Thread opener = new Thread(() -> {
                try {
                    Thread.sleep(15_000); // a sidecar's JVM reaches its first connection in 5-10 s
                    lateDatabase.open();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            opener.start();
            long started = System.nanoTime();
            try (SidecarProcess two = SidecarProcess.start(node, "cluster-limit-b",
                    Map.of("KINGA_SIDECAR_DB_URL", throughRelay, "KINGA_RATE_LIMIT_REQUESTS_PER_MINUTE", Integer.toString(perMinute)))) {
                long waitedMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(waitedMillis >= 15_000, "sidecar two came up only once its database answered: " + waitedMillis + " ms");
                assertTrue(two.log().contains("Connection error"), "sidecar two said it was waiting for its database (Flyway's retry)");

                // Unsigned-in callers count by address: this test's, the same on both sidecars.
                int admittedByOne = 0;
                int status = 0;
                for (int i = 0; i < perMinute * 2 && status != 429; i++) {
                    status = a401Or429(one);
                    admittedByOne += status == 401 ? 1 : 0;
                }
                assertEquals(429, status, "sidecar one refuses past the limit");
                assertTrue(admittedByOne >= perMinute, "sidecar one answered its " + perMinute + ": " + admittedByOne);
                Thread.sleep(1_500);
                int admittedByTwo = 0;
                for (int i = 0; i < 10; i++) {
                    admittedByTwo += a401Or429(two) == 401 ? 1 : 0;
                }
                assertTrue(admittedByTwo <= 2, "sidecar two answered " + admittedByTwo + " of 10 after sidecar one spent the limit");
            }
        }
    }

    /** A request without a token: 401 when the caller's budget admits it, 429 when it is spent. */
    private static int a401Or429(SidecarProcess sidecar) {
        int status = cluster.client(0).send("GET", sidecar.url() + "/api/v1/dsr", null, null).statusCode();
        assertTrue(status == 401 || status == 429, "401 or 429, got " + status);
        return status;
    }

    @Test
    void aTotpCodeUsedOnOneNodeIsRefusedOnTheOther() {
        KeycloakClient a = cluster.client(0);
        KeycloakClient b = cluster.client(1);
        String username = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        String id = a.createUser(REALM, username, PASSWORD);
        expect(a.admin("PUT", "/" + REALM + "/users/" + id, Map.of("requiredActions", List.of("kinga-totp-enrol"))), 204);

        KeycloakClient.Page enrol = a.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        MfaAutomation.Enrolment totp = MfaAutomation.enrolment(enrol.html());
        long enrolledAt = System.currentTimeMillis() / 1000;
        enrol.post("kinga-totp-enrol-form", Map.of("otp", totp.code(enrolledAt)))
                .post("kinga-backup-codes-form", Map.of("stored", "")).tokens();

        String code = totp.codeAfter(enrolledAt);
        a.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD)
                .post("kinga-totp-form", Map.of("mode", "totp", "otp", code)).tokens();
        KeycloakClient.Page replay = b.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD)
                .post("kinga-totp-form", Map.of("mode", "totp", "otp", code));
        assertEquals(200, replay.status(), "no login on node B with the code node A accepted");
        assertTrue(replay.html().contains("already used"), replay.html());
    }

    // --- helpers ----------------------------------------------------------------------------

    private static String createKey(KeycloakClient node) {
        return json(expect(node.admin("POST", "/" + REALM + "/kinga-api-keys/clients/" + SERVICE + "/keys", Map.of(
                "name", "cluster " + UUID.randomUUID(), "scopes", List.of("system"), "expiresInDays", 5)), 201))
                .path("apiKey").asText();
    }

    private static HttpResponse<String> token(KeycloakClient node, String apiKey) {
        return node.postForm(node.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_secret", apiKey), null);
    }

    private static HttpResponse<String> introspect(KeycloakClient node, String apiKey) {
        String id = node.adminGet("/" + REALM + "/clients?clientId=" + GATEWAY).get(0).path("id").asText();
        String secret = node.adminGet("/" + REALM + "/clients/" + id + "/client-secret").path("value").asText();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(node.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((GATEWAY + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + apiKey)).build();
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls the token endpoint of {@code node} with the key until it refuses it; the milliseconds that took. */
    private static long millisUntilRefused(KeycloakClient node, String apiKey) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 5_000_000_000L) {
            if (token(node, apiKey).statusCode() == 401) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        return Long.MAX_VALUE;
    }
}
