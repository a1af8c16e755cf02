package dev.kinga.keycloak.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.AppConnector;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.SidecarProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Load script (not a test of speed) for data-subject requests on the real stack: the export of a
 * person with 10,000 audit records in Keycloak and 1,000 records in an app, and 1,000 erasures
 * (no grace period, one app connector) queued at once and drained by one sidecar. Run with
 * {@code mvn verify -Pbenchmark -pl keycloak-providers -Dit.test=DsrBenchmark}; figures are printed
 * and written to target/benchmarks/dsr.md (copied into docs/benchmarks.md by hand).
 */
class DsrBenchmark {

    private static final int AUDIT_RECORDS = 10_000;
    private static final int APP_RECORDS = 1_000;
    private static final int EXPORTS = 5;
    private static final int ERASURES = 1_000;
    private static final int THREADS = 8;

    @Test
    void exportOfABusyPersonAndADrainOfQueuedErasures() throws Exception {
        KeycloakServer server = new KeycloakServer("benchmark-dsr", List.of(
                "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + KeycloakExtension.productionCatalogue()));
        server.deploy();
        server.start();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (AppConnector app = new AppConnector("benchmark-connector-secret-0123456789abcdef")) {
            KeycloakClient kc = new KeycloakClient(server.baseUrl());
            SidecarProcess sidecar = SidecarProcess.start(server, "sidecar-benchmark", Map.of("KINGA_DSR_POLL_INTERVAL", "200ms",
                    "KINGA_RATE_LIMIT_REQUESTS_PER_MINUTE", "1000000")); // one officer queues 1,000 requests
            try {
                String officerName = "bench-dpo";
                String officerId = kc.createUser(REALM, officerName, PASSWORD);
                expect(kc.admin("POST", "/" + REALM + "/users/" + officerId + "/role-mappings/realm",
                        List.of(kc.adminGet("/" + REALM + "/roles/privacy-officer"))), 204);
                String officer = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of())
                        .path("access_token").asText();
                expect(kc.send("PUT", sidecar.url() + "/api/v1/connectors/bench-app", Map.of("url", app.url(), "secret", app.secret),
                        officer), 201);

                // One person with 10,000 audit records (admin changes of their account) and 1,000 app records.
                String busy = kc.createUser(REALM, "bench-busy", PASSWORD);
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < AUDIT_RECORDS; i++) {
                    int n = i;
                    writes.add(pool.submit(() -> expect(kc.admin("PUT", "/" + REALM + "/users/" + busy,
                            Map.of("attributes", Map.of("visit", List.of(Integer.toString(n))))), 204)));
                }
                for (Future<?> w : writes) {
                    w.get();
                }
                String[] records = new String[APP_RECORDS];
                for (int i = 0; i < APP_RECORDS; i++) {
                    records[i] = "message " + i + ": " + "x".repeat(100);
                }
                app.hold(busy, records);
                officer = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of())
                        .path("access_token").asText(); // tokens last 5 minutes

                List<Long> endToEnd = new ArrayList<>();
                List<Long> job = new ArrayList<>();
                int auditRecords = 0;
                for (int round = 0; round <= EXPORTS; round++) { // round 0 warms up
                    Instant asked = Instant.now();
                    String id = json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr",
                            Map.of("type", "export", "subject", busy), officer), 201)).path("id").asText();
                    JsonNode done = await(kc, sidecar, officer, id, Duration.ofMinutes(2));
                    long total = Duration.between(asked, Instant.now()).toMillis();
                    JsonNode history = done.path("history");
                    long ran = Duration.between(Instant.parse(history.get(history.size() - 2).path("at").asText()),
                            Instant.parse(history.get(history.size() - 1).path("at").asText())).toMillis();
                    auditRecords = done.at("/receipt/connectors/keycloak/auditRecords").asInt();
                    assertEquals(APP_RECORDS, done.at("/receipt/connectors/bench-app/records").asInt(), done.toString());
                    if (round > 0) {
                        endToEnd.add(total);
                        job.add(ran);
                    }
                }

                // 1,000 people, one app record each, erased at once.
                List<String> people = Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> creations = new ArrayList<>();
                for (int i = 0; i < ERASURES; i++) {
                    int n = i;
                    creations.add(pool.submit(() -> {
                        String id = kc.createUser(REALM, "bench-erase-" + n + "-" + UUID.randomUUID().toString().substring(0, 4), PASSWORD);
                        app.hold(id, "one message");
                        people.add(id);
                    }));
                }
                for (Future<?> c : creations) {
                    c.get();
                }
                String token = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of())
                        .path("access_token").asText();
                Instant tokenAt = Instant.now();
                String queueing = token;
                Instant queued = Instant.now();
                List<Future<String>> asked = new ArrayList<>();
                for (String person : people) {
                    asked.add(pool.submit(() -> json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr",
                            Map.of("type", "erasure", "subject", person, "graceDays", 0), queueing), 201)).path("id").asText()));
                }
                for (Future<String> a : asked) {
                    a.get();
                }
                Duration queuing = Duration.between(queued, Instant.now());
                int completed = 0;
                while (completed < ERASURES && Duration.between(queued, Instant.now()).toMinutes() < 10) {
                    if (Duration.between(tokenAt, Instant.now()).toMinutes() >= 4) {
                        token = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of())
                                .path("access_token").asText();
                        tokenAt = Instant.now();
                    }
                    completed = countErasures(kc, sidecar, token);
                    Thread.sleep(250);
                }
                Duration drained = Duration.between(queued, Instant.now());
                int erasedInApp = 0;
                for (String person : people) {
                    erasedInApp += app.erasures(person);
                }
                assertEquals(ERASURES, completed, "every erasure completed");
                assertEquals(ERASURES, erasedInApp, "each person erased once in the app");

                String report = String.format("""
                        ## Data-subject requests (%s, %d cores, Keycloak 26.7.3 on %s, one sidecar on H2, %s)

                        Export of one person with %,d audit records in Keycloak and %,d records in one app
                        (%d rounds after a warm-up; the archive is %s):

                        | measure | per round (ms) | median (ms) |
                        | --- | --- | --- |
                        | job (in_progress to completed, from the request's history) | %s | %d |
                        | end to end (POST /api/v1/dsr to completed seen by polling) | %s | %d |

                        %,d erasures (no grace period, one app connector) queued by %d threads in %.1f s, then drained:
                        all completed **%.1f s** after the first was queued (target under 60 s), each person erased
                        once in the app (%d erasures counted by the app). Workers per sidecar: 4 (`kinga.dsr.workers`).
                        """, java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(), server.database().kind(),
                        "kinga.dsr.poll-interval 200ms", auditRecords, APP_RECORDS, EXPORTS, "in the sidecar's database",
                        job, median(job), endToEnd, median(endToEnd),
                        ERASURES, THREADS, queuing.toMillis() / 1000.0, drained.toMillis() / 1000.0, erasedInApp);
                System.out.println(report);
                Path out = Path.of("target", "benchmarks");
                Files.createDirectories(out);
                Files.writeString(out.resolve("dsr.md"), report);
            } finally {
                sidecar.close();
            }
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }

    /** Completed erasures (the list answers at most 1,000 per status). */
    private static int countErasures(KeycloakClient kc, SidecarProcess sidecar, String token) {
        JsonNode list = json(expect(kc.send("GET", sidecar.url() + "/api/v1/dsr?status=completed&max=1000", null, token), 200));
        int n = 0;
        for (JsonNode r : list) {
            n += "erasure".equals(r.path("type").asText()) ? 1 : 0;
        }
        return n;
    }

    private static JsonNode await(KeycloakClient kc, SidecarProcess sidecar, String token, String id, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            JsonNode r = json(expect(kc.send("GET", sidecar.url() + "/api/v1/dsr/" + id, null, token), 200));
            if ("completed".equals(r.path("status").asText()) || Instant.now().isAfter(deadline)) {
                assertEquals("completed", r.path("status").asText(), r.toString());
                return r;
            }
            Thread.sleep(20);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
