package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app's connector written from docs/connectors.md alone (it shares no code with the sidecar):
 * checks the HMAC signature and the replay window, erases once per idempotency key, and keeps
 * per-person "messages" in memory. It counts every signed delivery and every erasure carried out,
 * and can hold an erase answer back (after erasing) so a test can kill the sidecar mid-call.
 */
public final class AppConnector implements AutoCloseable {

    public final String secret;
    private final HttpServer server;
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Map<String, String> answered = new ConcurrentHashMap<>();
    private final Set<String> seenSignatures = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> erasures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> eraseDeliveries = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile CountDownLatch holdAnswer;

    public AppConnector(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/app/kinga/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/app/kinga";
    }

    public void hold(String subjectId, String... messages) {
        records.put(subjectId, new CopyOnWriteArrayList<>(List.of(messages)));
    }

    public boolean holdsAnything(String subjectId) {
        return records.containsKey(subjectId);
    }

    /** Erasures carried out for the person (a repeated key is answered from memory, not counted). */
    public int erasures(String subjectId) {
        return erasures.getOrDefault(subjectId, new AtomicInteger()).get();
    }

    /** Signed erase calls that reached the app for the person, repeats included. */
    public int eraseDeliveries(String subjectId) {
        return eraseDeliveries.getOrDefault(subjectId, new AtomicInteger()).get();
    }

    /** Calls refused for a bad signature, an old timestamp or a replay. */
    public int refused() {
        return refused.get();
    }

    /** The next erase is carried out but its answer held back until {@link #release()}. */
    public void holdNextEraseAnswer() {
        holdAnswer = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch latch = holdAnswer;
        holdAnswer = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String timestamp = exchange.getRequestHeaders().getFirst("X-Kinga-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Kinga-Signature");
            String expected = "v1=" + hmac(exchange.getRequestMethod() + "\n" + path + "\n" + timestamp + "\n" + sha256Hex(body));
            if (signature == null || timestamp == null
                    || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))
                    || !fresh(timestamp) || !seenSignatures.add(signature)) {
                refused.incrementAndGet();
                answer(exchange, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            JsonNode request = KeycloakClient.JSON.readTree(body);
            String operation = request.path("operation").asText();
            String key = request.path("requestId").asText() + ":" + operation;
            if (!key.equals(exchange.getRequestHeaders().getFirst("Idempotency-Key")) || !path.endsWith("/" + operation)) {
                answer(exchange, 400, "{\"error\":\"mismatch\"}");
                return;
            }
            String subject = request.path("subjectId").asText();
            String result;
            CountDownLatch latch = null;
            synchronized (answered) {
                if ("erase".equals(operation)) {
                    eraseDeliveries.computeIfAbsent(subject, s -> new AtomicInteger()).incrementAndGet();
                }
                result = answered.get(key);
                if (result == null) {
                    result = carryOut(operation, subject);
                    answered.put(key, result);
                    latch = "erase".equals(operation) ? holdAnswer : null;
                }
            }
            if (latch != null) {
                latch.await(60, TimeUnit.SECONDS);
            }
            answer(exchange, 200, result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException callerGone) {
            // the sidecar went away mid-call (the kill -9 test)
        }
    }

    private String carryOut(String operation, String subject) {
        ObjectNode result = KeycloakClient.JSON.createObjectNode();
        if ("export".equals(operation)) {
            var list = result.putArray("records");
            records.getOrDefault(subject, List.of()).forEach(m -> list.addObject().put("type", "message").put("text", m));
        } else {
            List<String> removed = records.remove(subject);
            erasures.computeIfAbsent(subject, s -> new AtomicInteger()).incrementAndGet();
            result.putObject("erased").put("messages", removed == null ? 0 : removed.size());
        }
        return result.toString();
    }

    private static boolean fresh(String timestamp) {
        try {
            return Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) <= 300;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(byte[] body) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
