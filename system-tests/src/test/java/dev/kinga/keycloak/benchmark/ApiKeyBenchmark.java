package dev.kinga.keycloak.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load script (not a test of speed), one server, one run:
 * <ol>
 *   <li>client_credentials tokens/s authenticated by a Kinga API key vs by a client secret
 *       (Keycloak's stock client-secret authenticator), same roles, alternating rounds;</li>
 *   <li>latency of the gateway introspection endpoint, sequential and under 8 concurrent callers.</li>
 * </ol>
 * Run with {@code mvn verify -Pbenchmark -Dit.test=ApiKeyBenchmark}; figures are printed and
 * written to target/benchmarks/api-keys.md (copied into docs/benchmarks.md by hand).
 */
class ApiKeyBenchmark {

    private static final int THREADS = 8;
    private static final int TOKENS_PER_ROUND = 2_000;
    private static final int ROUNDS = 6;
    private static final int INTROSPECTIONS = 5_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void apiKeyTokensVersusClientSecretAndIntrospectionLatency() throws Exception {
        KeycloakServer server = new KeycloakServer("benchmark-api-keys", List.of(
                "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + KeycloakExtension.productionCatalogue(),
                "--spi-client-authenticator--kinga-api-key--rate-limit-per-minute=100000000",
                "--spi-client-authenticator--kinga-api-key--rate-limit-burst=100000000"));
        server.deploy();
        server.start();
        try {
            KeycloakClient kc = new KeycloakClient(server.baseUrl());
            String apiKey = json(expect(kc.admin("POST", "/" + REALM + "/kinga-api-keys/clients/kinga-reports-service/keys",
                    Map.of("name", "benchmark", "scopes", List.of("system", "kinga-api/metrics:read"), "expiresInDays", 1)), 201))
                    .path("apiKey").asText();
            String secretClient = secretClient(kc);
            String secret = clientSecret(kc, secretClient);
            String tokenUrl = server.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token";
            HttpRequest byKey = form(tokenUrl, null, Map.of("grant_type", "client_credentials", "client_secret", apiKey));
            HttpRequest bySecret = form(tokenUrl, null, Map.of("grant_type", "client_credentials",
                    "client_id", secretClient, "client_secret", secret));

            run(byKey, 2 * TOKENS_PER_ROUND); // warm-up of both paths: JIT, caches, connection pools
            run(bySecret, 2 * TOKENS_PER_ROUND);
            List<Double> keyRates = new ArrayList<>();
            List<Double> secretRates = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // key-secret, then secret-key: a drift in machine speed during the run cancels out
                for (boolean key : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    (key ? keyRates : secretRates).add(run(key ? byKey : bySecret, TOKENS_PER_ROUND));
                }
            }
            double ratio = median(keyRates) / median(secretRates);

            HttpRequest introspect = form(server.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect",
                    "Basic " + Base64.getEncoder().encodeToString(("kinga-gateway:" + clientSecret(kc, "kinga-gateway"))
                            .getBytes(StandardCharsets.UTF_8)), Map.of("token", apiKey));
            assertTrue(json(send(introspect)).path("active").asBoolean());
            latencies(introspect, INTROSPECTIONS, 1); // warm-up
            List<Long> sequential = latencies(introspect, INTROSPECTIONS, 1);
            List<Long> concurrent = latencies(introspect, INTROSPECTIONS, THREADS);

            String report = String.format("""
                    ## API keys (%s, %d cores, one Keycloak 26.7.3 on %s)

                    client_credentials tokens/s, %d threads, %d tokens per round, alternating rounds:

                    | client authentication | tokens/s per round | median |
                    | --- | --- | --- |
                    | Kinga API key | %s | %.1f |
                    | client secret (stock) | %s | %.1f |

                    Ratio API key / client secret (medians): **%.3f** (target >= 0.9)

                    Gateway introspection (%d calls, HTTP/1.1 keep-alive on loopback, client-measured):

                    | callers | p50 ms | p99 ms | max ms |
                    | --- | --- | --- | --- |
                    | 1 | %.3f | %.3f | %.3f |
                    | %d | %.3f | %.3f | %.3f |
                    """, java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(), server.database().kind(),
                    THREADS, TOKENS_PER_ROUND, format(keyRates), median(keyRates), format(secretRates), median(secretRates),
                    ratio, INTROSPECTIONS,
                    ms(percentile(sequential, 50)), ms(percentile(sequential, 99)), ms(percentile(sequential, 100)),
                    THREADS, ms(percentile(concurrent, 50)), ms(percentile(concurrent, 99)), ms(percentile(concurrent, 100)));
            System.out.println(report);
            Path out = Path.of("target", "benchmarks");
            Files.createDirectories(out);
            Files.writeString(out.resolve("api-keys.md"), report);
        } finally {
            server.stop();
        }
    }

    /** A stock confidential client with the same service-account roles as kinga-reports-service. */
    private static String secretClient(KeycloakClient kc) {
        String clientId = "bench-secret-client";
        expect(kc.admin("POST", "/" + REALM + "/clients", Map.of("clientId", clientId, "publicClient", false,
                "serviceAccountsEnabled", true, "standardFlowEnabled", false, "clientAuthenticatorType", "client-secret")), 201);
        String id = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        String account = kc.adminGet("/" + REALM + "/clients/" + id + "/service-account-user").path("id").asText();
        List<JsonNode> roles = List.of(kc.adminGet("/" + REALM + "/roles/system"), kc.adminGet("/" + REALM + "/roles/analyst"));
        expect(kc.admin("POST", "/" + REALM + "/users/" + account + "/role-mappings/realm", roles), 204);
        return clientId;
    }

    private static String clientSecret(KeycloakClient kc, String clientId) {
        String id = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        return kc.adminGet("/" + REALM + "/clients/" + id + "/client-secret").path("value").asText();
    }

    /** Tokens per second over {@code total} requests from {@value #THREADS} threads; every answer must be 200. */
    private static double run(HttpRequest request, int total) throws Exception {
        AtomicInteger left = new AtomicInteger(total);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> response = send(request);
                    assertEquals(200, response.statusCode(), response.body());
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return total / seconds;
    }

    private static List<Long> latencies(HttpRequest request, int total, int threads) throws Exception {
        List<Long> all = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(total);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = send(request);
                    all.add(System.nanoTime() - start);
                    assertEquals(200, response.statusCode(), response.body());
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(all);
        Collections.sort(sorted);
        return sorted;
    }

    private static HttpRequest form(String url, String authorization, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .reduce((a, b) -> a + "&" + b).orElse("");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(List<Double> rates) {
        return String.join(", ", rates.stream().map(r -> String.format("%.1f", r)).toList());
    }
}
