package dev.kinga.keycloak.audit;

import dev.kinga.signature.RequestSignature;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the privacy sidecar's audit intake holds of a realm's chain, asked for by {@code verify}:
 * the last record and the newest anchor it received, by sequence number and hash. The intake keeps
 * them outside Keycloak's database, so someone who rewrites the chain there and recomputes every
 * hash (and removes or renumbers the anchors) still disagrees with the sink. Only sinks that are a
 * Kinga intake ({@code …/api/v1/audit/events}) and a signing key make this possible; the request
 * is signed like a delivery, over {@code GET}, the path and an empty body.
 */
final class SinkViews {

    static final String INTAKE_PATH = "/api/v1/audit/events";
    private static final Logger LOG = Logger.getLogger(SinkViews.class);

    /** One sink's answer; {@code reachable} false when it could not be asked (its figures are then null). */
    record View(String sink, boolean reachable, Long lastSeq, String lastHash, Long lastAnchorSeq, String lastAnchorHash,
                Long firstBreakSeq, Long firstHoleSeq, java.time.Instant holeSince) {
    }

    /** What {@code verify} reports per sink: whether the sink's records are the chain's records. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Report(String sink, boolean reachable, Long lastSeq, Long lastAnchorSeq, Long firstBreakSeq, Boolean agrees) {
    }

    private final AuditConfig config;

    SinkViews(AuditConfig config) {
        this.config = config;
    }

    /** Asks each Kinga intake among the sinks; none when no signing key is configured. */
    List<View> fetch(String realmId) {
        List<View> views = new ArrayList<>();
        if (config.sinkSigningKey() == null) {
            return views;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.sinkTimeoutMillis())).build();
        for (String sink : config.sinks()) {
            if (sink.endsWith(INTAKE_PATH)) {
                views.add(fetch(http, sink, realmId));
            }
        }
        return views;
    }

    private View fetch(HttpClient http, String sink, String realmId) {
        try {
            URI uri = URI.create(sink + "/realms/" + URLEncoder.encode(realmId, StandardCharsets.UTF_8).replace("+", "%20"));
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMillis(config.sinkTimeoutMillis()))
                    .header("Accept", "application/json")
                    .header(RequestSignature.TIMESTAMP_HEADER, timestamp)
                    .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.header(config.sinkSigningKey(), "GET", uri.getRawPath(),
                            timestamp, new byte[0]))
                    .GET().build();
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
                LOG.warnf("kinga-audit: sink %s answered HTTP %d when asked for its view of realm %s", sink, answer.statusCode(), realmId);
                return new View(sink, false, null, null, null, null, null, null, null);
            }
            JsonNode v = AuditEntry.CANONICAL_JSON.readTree(answer.body());
            return new View(sink, true, v.path("lastSeq").asLong(0), text(v, "lastHash"),
                    v.path("lastAnchorSeq").canConvertToLong() ? v.path("lastAnchorSeq").asLong() : null, text(v, "lastAnchorHash"),
                    v.path("firstBreakSeq").canConvertToLong() ? v.path("firstBreakSeq").asLong() : null,
                    v.path("firstHoleSeq").canConvertToLong() ? v.path("firstHoleSeq").asLong() : null, instant(v.path("holeSince")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new View(sink, false, null, null, null, null, null, null, null);
        } catch (Exception e) {
            LOG.warnf("kinga-audit: sink %s could not be asked for its view of realm %s (%s)", sink, realmId, e.getClass().getSimpleName());
            return new View(sink, false, null, null, null, null, null, null, null);
        }
    }

    private static java.time.Instant instant(JsonNode value) {
        try {
            return value.isTextual() ? java.time.Instant.parse(value.asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode v, String field) {
        return v.path(field).isTextual() ? v.path(field).asText() : null;
    }
}
