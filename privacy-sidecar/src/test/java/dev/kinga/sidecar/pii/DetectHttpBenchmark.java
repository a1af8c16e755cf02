package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Load script: POST /api/v1/pii/detect with 64 concurrent connections against the service
 * (test profile: rate limit lifted, token from the test issuer). Run with
 * {@code mvn verify -Pbenchmark -pl privacy-sidecar}; writes target/benchmarks/detect-http.md.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class DetectHttpBenchmark {

    private static final int CONNECTIONS = 64;
    private static final int REQUESTS = 20_000;
    private static final String BODY = "{\"text\":\"Session notes for Dr. Amina Odhiambo: client reported improved sleep. "
            + "Call back on +254 712 345 678 or amina.kiprop@uni.ac.ug. DOB: 1971-02-05. SSN on file: 452-76-3201. "
            + "Billing card 4111 1111 1111 1111. Login from 131.219.151.49 was flagged.\"}";

    @Test
    void detectUnderSixtyFourConnections() throws Exception {
        String url = "http://localhost:" + RestAssured.port + "/api/v1/pii/detect";
        String token = TestTokens.asRole("privacy-officer");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        for (int i = 0; i < 2000; i++) {
            client.send(request, HttpResponse.BodyHandlers.discarding()); // warm-up
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            workers.add(pool.submit(() -> {
                while (next.getAndIncrement() < REQUESTS) {
                    long t0 = System.nanoTime();
                    try {
                        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - t0);
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        String report = String.format("""
                # /api/v1/pii/detect over HTTP

                %d requests (about 300 bytes of text with 7 entities each), %d concurrent connections, bearer token
                checked on every request, JVM mode, same machine as the client (2 cores shared).

                | requests/s | p50 | p99 | errors |
                | --- | --- | --- | --- |
                | %.0f | %.1f ms | %.1f ms | %d |
                """, REQUESTS, CONNECTIONS, REQUESTS / seconds, sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) (sorted.size() * 0.99)) / 1e6, errors.get());
        System.out.println(report);
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("detect-http.md"), report);
        assertEquals(0, errors.get(), "no request may fail under load");
    }
}
