package dev.kinga.keycloak.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.AuditSink;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load script (not a test of speed): login throughput through the real browser flow with the
 * kinga-audit listener off and on, alternating rounds on one server, and the forwarding lag
 * to a local HTTP sink under that load. Run with {@code mvn verify -Pbenchmark}; figures are
 * printed and written to target/benchmarks/audit.md (copied into docs/benchmarks.md by hand).
 */
class AuditLoginBenchmark {

    private static final int USERS = 64;
    private static final int THREADS = 16;
    private static final int LOGINS_PER_ROUND = 300;
    private static final int ROUNDS = 5;

    @Test
    void loginThroughputWithAndWithoutTheAuditListener() throws Exception {
        AuditSink sink = new AuditSink(KeycloakServer.freePort());
        sink.up();
        KeycloakServer server = new KeycloakServer("benchmark", List.of(
                "--spi-events-listener--kinga-audit--global=false",
                "--spi-events-listener--kinga-audit--sinks=" + sink.url(),
                "--spi-events-listener--kinga-audit--forward-interval-ms=200"));
        server.deploy();
        server.start();
        try {
            KeycloakClient kc = new KeycloakClient(server.baseUrl());
            List<String> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add("bench-" + i);
                kc.createUser(REALM, users.get(i), PASSWORD);
            }
            listeners(kc, true);
            logins(kc, users, 2 * LOGINS_PER_ROUND); // warm-up of both paths: JIT, caches, connection pools
            listeners(kc, false);
            logins(kc, users, LOGINS_PER_ROUND);

            List<Double> off = new ArrayList<>();
            List<Double> on = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // off-on, then on-off: a drift in machine speed during the run cancels out
                for (boolean audit : round % 2 == 0 ? new boolean[]{false, true} : new boolean[]{true, false}) {
                    listeners(kc, audit);
                    int before = sink.deliveries().size();
                    double rate = logins(kc, users, LOGINS_PER_ROUND);
                    if (audit) {
                        on.add(rate);
                        assertTrue(sink.deliveries().size() > before || pending(kc) > 0, "records flow to the sink");
                    } else {
                        off.add(rate);
                    }
                }
            }
            long drainStart = System.nanoTime();
            while (pending(kc) > 0) {
                Thread.sleep(50);
            }
            double drainMillis = (System.nanoTime() - drainStart) / 1e6;
            List<Long> lags = new ArrayList<>();
            for (AuditSink.Delivery d : sink.deliveries()) {
                lags.add(d.receivedAt() - d.record().path("time").asLong());
            }
            Collections.sort(lags);
            assertEquals(true, kc.adminGet("/" + REALM + "/kinga-audit/verify").path("valid").asBoolean());

            double offMedian = median(off);
            double onMedian = median(on);
            String report = String.format("""
                    # Audit listener benchmark

                    Keycloak 26.7.3 start-dev, %s database, %d logins per round through the browser flow
                    (login page, credentials, code for tokens), %d threads, %d users, %d rounds in off-on / on-off order
                    after a warm-up of both paths.

                    | listener | logins/s per round | median |
                    | --- | --- | --- |
                    | off | %s | %.1f |
                    | kinga-audit on (hash chain + outbox + detection) | %s | %.1f |

                    Ratio on/off (medians): **%.3f** (target >= 0.95)

                    Forwarding lag to a local HTTP sink under this load (record time to receipt), %d records:
                    p50 %d ms, p99 %d ms, max %d ms. Outbox drained %.0f ms after the last round.
                    """, server.database().kind(), LOGINS_PER_ROUND, THREADS, USERS, ROUNDS,
                    off.stream().map(v -> String.format("%.1f", v)).toList(), offMedian,
                    on.stream().map(v -> String.format("%.1f", v)).toList(), onMedian,
                    onMedian / offMedian, lags.size(), percentile(lags, 50), percentile(lags, 99),
                    lags.isEmpty() ? 0 : lags.get(lags.size() - 1), drainMillis);
            System.out.println(report);
            Path out = Path.of("target", "benchmarks");
            Files.createDirectories(out);
            Files.writeString(out.resolve("audit.md"), report);
        } finally {
            server.stop();
            sink.down();
        }
    }

    /** @return logins per second */
    private static double logins(KeycloakClient kc, List<String> users, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        JsonNode tokens = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, users.get(i % users.size()), PASSWORD);
                        if (!tokens.has("access_token")) {
                            throw new AssertionError("login failed");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void listeners(KeycloakClient kc, boolean audit) {
        List<String> listeners = audit ? List.of("jboss-logging", "kinga-audit") : List.of("jboss-logging");
        expect(kc.admin("PUT", "/" + REALM, Map.of("eventsListeners", listeners)), 204);
    }

    private static long pending(KeycloakClient kc) {
        long pending = 0;
        for (JsonNode sink : kc.adminGet("/" + REALM + "/kinga-audit/delivery")) {
            pending += sink.path("pending").asLong();
        }
        return pending;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
