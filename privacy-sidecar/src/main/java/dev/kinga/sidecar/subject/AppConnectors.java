package dev.kinga.sidecar.subject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.security.RequestSignature;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The applications that hold a person's data (conversations, messages, care notes), registered
 * by configuration ({@code kinga.connectors."<name>".url} and {@code .secret}) or through the API
 * ({@link ConnectorRegistry}), and called over HTTP for a person's export and erasure with a signed request (docs/connectors.md):
 * {@code X-Kinga-Signature: v1=HMAC-SHA256(secret, method "\n" path "\n" timestamp "\n" SHA-256(body))},
 * {@code X-Kinga-Timestamp} (the app refuses one outside its replay window) and
 * {@code Idempotency-Key} (the same key for every retry of one request's call).
 */
@ApplicationScoped
public class AppConnectors {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    static final int MIN_SECRET = 32;
    static final int MAX_SECRET = 256;
    /** Largest answer read from an app (an export's records go into the archive). */
    static final int MAX_ANSWER_BYTES = 10_000_000;

    @ConfigMapping(prefix = "kinga.connectors")
    public interface Config {
        /** Connectors by name: {@code kinga.connectors."<name>".url} and {@code .secret}. */
        @WithParentName
        Map<String, Connector> connectors();

        interface Connector {
            /** Base URL; the sidecar POSTs to {@code <url>/export} and {@code <url>/erase}. */
            String url();

            /** The HMAC key both sides hold (32+ characters), from configuration, never the database. */
            String secret();
        }
    }

    /** A connector as the jobs call it, wherever it was registered. */
    public record Connector(String name, String url, String secret, String source) {
        public static final String CONFIGURATION = "configuration";
        public static final String API = "api";
    }

    @Inject
    Config config;

    @Inject
    ConnectorRegistry registry;

    /** The configured connectors, checked once at start. */
    private volatile Map<String, Connector> configured;

    @ConfigProperty(name = "kinga.connector-timeout", defaultValue = "PT30S")
    Duration timeout;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A wrong connector configuration stops the start, rather than the first erasure. */
    void validate(@Observes StartupEvent start) {
        configured();
    }

    /** Every connector, configured and registered, sorted by name: each job calls each of them. */
    public Map<String, Connector> all() {
        Map<String, Connector> all = new TreeMap<>(configured());
        registry.registered().forEach(c -> all.putIfAbsent(c.name(), c));
        return all;
    }

    /** The configured connectors; refuses to start on a bad name, URL or secret. */
    Map<String, Connector> configured() {
        Map<String, Connector> checked = configured;
        if (checked != null) {
            return checked;
        }
        Map<String, Connector> sorted = new TreeMap<>();
        config.connectors().forEach((name, c) -> {
            String problem = problem(name, c.url(), c.secret());
            if (problem != null) {
                throw new IllegalStateException("kinga.connectors." + name + ": " + problem);
            }
            sorted.put(name, new Connector(name, c.url(), c.secret(), Connector.CONFIGURATION));
        });
        configured = Map.copyOf(sorted);
        return configured;
    }

    /** What is wrong with a connector's name, URL or secret, or null. */
    static String problem(String name, String url, String secret) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "a name is 1 to 64 lower-case letters, digits and '-', starting with a letter or digit";
        }
        if (url == null || url.length() > 2000 || !acceptable(url)) {
            return "url must be an https URL (http only to this machine) without user info, query or fragment";
        }
        if (secret == null || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            return "secret must have " + MIN_SECRET + " to " + MAX_SECRET + " characters";
        }
        return null;
    }

    /** https, or http to this machine only (a sidecar next to the app); no credentials, query or fragment in it. */
    static boolean acceptable(String url) {
        try {
            URI uri = URI.create(url);
            boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)
                    && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Calls one connector for one request ({@code operation}: export or erase); its JSON answer.
     * Anything but a 200 with JSON is a {@link KeycloakPrivacy.ConnectorException} the job retries.
     */
    public JsonNode call(Connector connector, String operation, DsrRequest r) {
        ObjectNode body = json.createObjectNode();
        body.put("requestId", r.id);
        body.put("subjectId", r.subjectId);
        body.put("operation", operation);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(connector.url().replaceAll("/+$", "") + "/" + operation);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", r.id + ":" + operation)
                .header(RequestSignature.TIMESTAMP_HEADER, timestamp)
                .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(connector.secret(), "POST", uri.getRawPath(), timestamp, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        String name = connector.name();
        HttpResponse<java.io.InputStream> response;
        String answerText;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            answerText = boundedText(response.body());
        } catch (IOException e) {
            throw new KeycloakPrivacy.ConnectorException("connector " + name + " is unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakPrivacy.ConnectorException("interrupted while calling connector " + name);
        }
        if (answerText == null) {
            throw new KeycloakPrivacy.ConnectorException("connector " + name + " answered more than " + MAX_ANSWER_BYTES / 1_000_000
                    + " MB to " + operation);
        }
        if (response.statusCode() != 200) {
            throw new KeycloakPrivacy.ConnectorException("connector " + name + " answered " + response.statusCode() + " to " + operation);
        }
        try {
            JsonNode answer = json.readTree(answerText);
            if (answer == null || !answer.isObject()) {
                throw new IOException("not an object");
            }
            return answer;
        } catch (IOException e) {
            throw new KeycloakPrivacy.ConnectorException("connector " + name + " answered something that is not a JSON object");
        }
    }

    /** The answer as text, or null when it is longer than {@value #MAX_ANSWER_BYTES} bytes (read no further). */
    private static String boundedText(java.io.InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            return bytes.length > MAX_ANSWER_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
