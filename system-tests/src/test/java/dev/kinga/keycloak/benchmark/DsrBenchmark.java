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
 * {@code mvn verify -Pbenchmark -pl system-tests -Dit.test=DsrBenchmark}; figures are printed
 * and written to target/benchmarks/dsr.md (copied into docs/benchmarks.md by hand).
 */
class DsrBenchmark {

    private static final int AUDIT_RECORDS = 10_000;
    private static final int APP_RECORDS = 1_000;
    private static final int EXPORTS = 5;
    private static final int ERASURES = 1_000;
    private static final int THREADS = 8;
    /** Which parts to run: {@code -Dkinga.bench.dsr.parts=export,erasure} (both by default). */
    private static final String PARTS = System.getProperty("kinga.bench.dsr.parts", "export,erasure");
    /** Workers of the sidecar that drains the erasures ({@code kinga.dsr.workers}). */
    private static final String WORKERS = System.getProperty("kinga.bench.dsr.workers", "4");

    @Test
    void exportOfABusyPersonAndADrainOfQueuedErasures() throws Exception {
        KeycloakServer server = new KeycloakServer("benchmark-dsr", List.of(
                "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + KeycloakExtension.productionCatalogue(),
                "--http-access-log-enabled=true", "--http-access-log-pattern=%r %s %D ms"));
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
                Officer officer = new Officer(kc, officerName);
                expect(kc.send("PUT", sidecar.url() + "/api/v1/connectors/bench-app", Map.of("url", app.url(), "secret", app.secret),
                        officer.token()), 201);
                StringBuilder report = new StringBuilder(String.format("## Data-subject requests (%s, %d cores, Keycloak 26.7.3 on %s,"
                                + " one sidecar on %s, kinga.dsr.poll-interval 200ms)%n%n", java.time.LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(), server.database().kind(),
                        server.database().postgres() && !System.getProperty("kinga.it.sidecar.db.url", "").isBlank() ? "PostgreSQL" : "H2"));
                if (PARTS.contains("export")) {
                    report.append(exports(kc, sidecar, app, officer, pool));
                }
                if (PARTS.contains("erasure")) {
                    report.append(erasures(kc, sidecar, app, officer, pool));
                }
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

    /** One person with 10,000 audit records (admin changes of their account) and 1,000 app records, exported 1 + 5 times. */
    private static String exports(KeycloakClient kc, SidecarProcess sidecar, AppConnector app, Officer officer, ExecutorService pool)
            throws Exception {
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

        List<Long> endToEnd = new ArrayList<>();
        List<Long> job = new ArrayList<>();
        int auditRecords = 0;
        for (int round = 0; round <= EXPORTS; round++) { // round 0 warms up
            String token = officer.token();
            Instant asked = Instant.now();
            String id = json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr",
                    Map.of("type", "export", "subject", busy), token), 201)).path("id").asText();
            JsonNode done = await(kc, sidecar, token, id, Duration.ofMinutes(2));
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
        return String.format("""
                Export of one person with %,d audit records in Keycloak and %,d records in one app
                (%d rounds after a warm-up; the archive is in the sidecar's database):

                | measure | per round (ms) | median (ms) |
                | --- | --- | --- |
                | job (in_progress to completed, from the request's history) | %s | %d |
                | end to end (POST /api/v1/dsr to completed seen by polling) | %s | %d |

                """, auditRecords, APP_RECORDS, EXPORTS, job, median(job), endToEnd, median(endToEnd));
    }

    /** 1,000 people, one app record each, queued with the workers off, then drained by a sidecar with {@link #WORKERS} workers. */
    private static String erasures(KeycloakClient kc, SidecarProcess sidecar, AppConnector app, Officer officer, ExecutorService pool)
            throws Exception {
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
        sidecar.restart(Map.of("KINGA_DSR_WORKERS", "0"));
        String queueing = officer.token();
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
        int doneWhileQueueing = countErasures(kc, sidecar, officer.token());
        sidecar.restart(Map.of("KINGA_DSR_WORKERS", WORKERS));
        Instant draining = Instant.now();
        int completed = 0;
        while (completed < ERASURES && Duration.between(draining, Instant.now()).toMinutes() < 10) {
            Thread.sleep(1000); // a list of 1,000 requests per look: looked at once a second, not to slow the drain
            completed = countErasures(kc, sidecar, officer.token());
        }
        Duration drained = Duration.between(draining, Instant.now());
        int erasedInApp = 0;
        for (String person : people) {
            erasedInApp += app.erasures(person);
        }
        assertEquals(ERASURES, completed, "every erasure completed");
        assertEquals(ERASURES, erasedInApp, "each person erased once in the app");
        return String.format("""
                %,d erasures (no grace period, one app connector) queued by %d threads in %.1f s with the
                sidecar's workers off (%d ran meanwhile), then drained by a sidecar with %s workers
                (`kinga.dsr.workers`): all completed **%.1f s** after it was ready (target under 60 s, seen by a
                look once a second), each person erased once in the app (%d erasures counted by the app).
                """, ERASURES, THREADS, queuing.toMillis() / 1000.0, doneWhileQueueing, WORKERS, drained.toMillis() / 1000.0,
                erasedInApp);
    }

    /** The benchmark's privacy officer: a token from the compliance CLI, renewed before it expires (5 minutes). */
    private static final class Officer {
        private final KeycloakClient kc;
        private final String name;
        private String token;
        private Instant at = Instant.EPOCH;

        Officer(KeycloakClient kc, String name) {
            this.kc = kc;
            this.name = name;
        }

        synchronized String token() {
            if (Duration.between(at, Instant.now()).toMinutes() >= 4) {
                token = kc.deviceLogin(REALM, "kinga-compliance-cli", name, PASSWORD, null, Map.of()).path("access_token").asText();
                at = Instant.now();
            }
            return token;
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
