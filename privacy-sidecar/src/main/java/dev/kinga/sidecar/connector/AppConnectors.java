package dev.kinga.sidecar.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.signature.RequestSignature;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;
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

/**
 * The applications that hold a person's data (conversations, messages, care notes), registered
 * by configuration ({@link ConfiguredConnectors}) or through the API ({@link ConnectorRegistry}),
 * and called over HTTP for a person's export and erasure with a signed request (docs/connectors.md):
 * {@code X-Kinga-Signature: v1=HMAC-SHA256(secret, method "\n" path "\n" timestamp "\n" SHA-256(body))},
 * {@code X-Kinga-Timestamp} (the app refuses one outside its replay window) and
 * {@code Idempotency-Key} (the same key for every retry of one request's call).
 */
@ApplicationScoped
public class AppConnectors {

    /** Largest answer read from an app (an export's records go into the archive). */
    static final int MAX_ANSWER_BYTES = 10_000_000;

    @Inject
    ConfiguredConnectors configured;

    @Inject
    ConnectorRegistry registry;

    @ConfigProperty(name = "kinga.connector-timeout", defaultValue = "PT30S")
    Duration timeout;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every connector, configured and registered, sorted by name: each job calls each of them. */
    public Map<String, Connector> all() {
        Map<String, Connector> all = new TreeMap<>(configured.configured());
        registry.registered().forEach(c -> all.putIfAbsent(c.name(), c));
        return all;
    }

    /**
     * Calls one connector for one request ({@code operation}: export or erase); its JSON answer.
     * Anything but a 200 with JSON is a {@link KeycloakPrivacy.ConnectorException} the job retries.
     */
    public JsonNode call(Connector connector, String operation, String requestId, String subjectId) {
        ObjectNode body = json.createObjectNode();
        body.put("requestId", requestId);
        body.put("subjectId", subjectId);
        body.put("operation", operation);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(connector.url().replaceAll("/+$", "") + "/" + operation);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", requestId + ":" + operation)
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
