package dev.kinga.sidecar.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kinga.signature.RequestSignature;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference connector of docs/connectors.md: what an app team implements so the sidecar can
 * export and erase a person's data in their app. It checks the signature and the replay window,
 * answers a repeated {@code Idempotency-Key} with the first answer without erasing again, and
 * keeps "care notes" per person in memory.
 */
public class ReferenceConnector implements QuarkusTestResourceLifecycleManager {

    public static final String NAME = "care-notes";
    public static final String SECRET = "reference-connector-secret-0123456789abcdef";
    public static final long REPLAY_WINDOW_SECONDS = 300;
    public static final Map<String, List<String>> NOTES = new ConcurrentHashMap<>();
    /** Erasures carried out (not answered from the idempotency store), per person. */
    public static final Map<String, AtomicInteger> ERASURES = new ConcurrentHashMap<>();
    public static final AtomicInteger FAILURES_TO_COME = new AtomicInteger();
    private static final Map<String, String> ANSWERED = new ConcurrentHashMap<>();
    private static final Set<String> SEEN_SIGNATURES = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String baseUrl;
    private HttpServer server;

    public static void hold(String subjectId, String... notes) {
        NOTES.put(subjectId, new CopyOnWriteArrayList<>(List.of(notes)));
    }

    public static String url() {
        return baseUrl;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/kinga/", this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/kinga";
        return Map.of("kinga.connectors.\"" + NAME + "\".url", baseUrl,
                "kinga.connectors.\"" + NAME + "\".secret", SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath();
        String timestamp = exchange.getRequestHeaders().getFirst("X-Kinga-Timestamp");
        String signature = exchange.getRequestHeaders().getFirst("X-Kinga-Signature");

        // 1. Authenticate: the signature over method, path, timestamp and body, compared in constant time.
        String expected = "v1=" + RequestSignature.sign(SECRET, exchange.getRequestMethod(), path,
                timestamp == null ? "" : timestamp, body);
        if (signature == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            answer(exchange, 401, "{\"error\":\"bad_signature\"}");
            return;
        }
        // 2. Freshness: a timestamp outside the window, or a request seen before, is a replay.
        long age;
        try {
            age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            answer(exchange, 401, "{\"error\":\"bad_timestamp\"}");
            return;
        }
        if (age > REPLAY_WINDOW_SECONDS || !SEEN_SIGNATURES.add(signature)) {
            answer(exchange, 401, "{\"error\":\"replayed\"}");
            return;
        }
        if (FAILURES_TO_COME.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answer(exchange, 503, "{}");
            return;
        }
        // 3. Idempotency, keyed by what was signed (requestId and operation of the body, which the
        //    Idempotency-Key header repeats): the same key gets the first answer, nothing is done twice.
        JsonNode request = JSON.readTree(body);
        String key = request.path("requestId").asText() + ":" + request.path("operation").asText();
        if (!key.equals(exchange.getRequestHeaders().getFirst("Idempotency-Key")) || !path.endsWith("/" + request.path("operation").asText())) {
            answer(exchange, 400, "{\"error\":\"mismatch\"}");
            return;
        }
        synchronized (ANSWERED) { // check and act at once: two calls with one key never both erase
            handleOnce(exchange, path, key, request);
        }
    }

    private static void handleOnce(HttpExchange exchange, String path, String key, JsonNode request) throws IOException {
        String earlier = ANSWERED.get(key);
        if (earlier != null) {
            answer(exchange, 200, earlier);
            return;
        }
        String subject = request.path("subjectId").asText();
        ObjectNode result = JSON.createObjectNode();
        if (path.endsWith("/export")) {
            ArrayNode records = result.putArray("records");
            NOTES.getOrDefault(subject, List.of()).forEach(note -> records.addObject().put("type", "care-note").put("text", note));
        } else if (path.endsWith("/erase")) {
            List<String> removed = NOTES.remove(subject);
            ERASURES.computeIfAbsent(subject, s -> new AtomicInteger()).incrementAndGet();
            result.putObject("erased").put("careNotes", removed == null ? 0 : removed.size());
        } else {
            answer(exchange, 404, "{}");
            return;
        }
        ANSWERED.put(key, result.toString());
        answer(exchange, 200, result.toString());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
