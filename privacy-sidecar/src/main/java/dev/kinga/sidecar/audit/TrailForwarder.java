package dev.kinga.sidecar.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Forwards the trail to the sinks of {@code kinga.audit.sinks} as the Keycloak trail does: one
 * {@code POST} per record in sequence order, {@code Idempotency-Key} = record id and
 * {@code X-Kinga-Audit-Seq}, at least once (a sink that fails holds back later records until it
 * takes this one). {@code log} writes JSON lines to log category {@code kinga.audit}. Each sink's
 * progress is a row of {@code sidecar_audit_cursor}, so a restart or another node goes on from there.
 */
@ApplicationScoped
public class TrailForwarder {

    static final String LOG_SINK = "log";
    private static final Logger LOG = Logger.getLogger(TrailForwarder.class);
    private static final Logger AUDIT_LOG = Logger.getLogger("kinga.audit");
    private static final int BATCH = 100;

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    @Inject
    ObjectMapper json;

    @Inject
    TrailConfig config;

    private HttpClient http;

    void warnWithoutSinks(@Observes StartupEvent start) {
        if (config.sinks().orElse(List.of()).stream().allMatch(String::isBlank)) {
            LOG.warn("kinga.audit.sinks is empty: the sidecar's audit trail is kept in its database only; "
                    + "forward it to a SIEM or log store (docs/configuration.md)");
        }
    }

    @Scheduled(every = "${kinga.audit.forward-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forward() {
        for (String sink : config.sinks().orElse(List.of())) {
            if (!sink.isBlank()) {
                deliver(sink.strip());
            }
        }
    }

    private void deliver(String sink) {
        String sinkId = sinkId(sink);
        while (true) {
            long cursor = QuarkusTransaction.requiringNew().call(() -> cursor(sinkId));
            List<TrailRecord> batch = trail.read(cursor + 1, BATCH);
            long delivered = cursor;
            String failure = null;
            for (TrailRecord r : batch) {
                failure = send(sink, r);
                if (failure != null) {
                    break;
                }
                delivered = r.seq;
            }
            if (delivered > cursor) {
                long upTo = delivered;
                QuarkusTransaction.requiringNew().run(() -> em.createQuery(
                                "update TrailCursor c set c.deliveredSeq = :seq where c.sink = :sink and c.deliveredSeq < :seq")
                        .setParameter("seq", upTo).setParameter("sink", sinkId).executeUpdate());
            }
            if (failure != null) {
                LOG.warnf("Audit sink delivery failed (%s); will retry", failure);
                return;
            }
            if (batch.size() < BATCH) {
                return;
            }
        }
    }

    /** Sinks are stored by the SHA-256 of their URL: a URL may carry credentials. */
    static String sinkId(String sink) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sink.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private long cursor(String sinkId) {
        TrailCursor c = em.find(TrailCursor.class, sinkId);
        if (c == null) {
            c = new TrailCursor();
            c.sink = sinkId;
            c.deliveredSeq = 0;
            em.persist(c);
        }
        return c.deliveredSeq;
    }

    /** @return null when the sink took the record, else a short reason (never the payload) */
    private String send(String sink, TrailRecord r) {
        String payload;
        try {
            payload = json.writeValueAsString(AuditResource.RecordView.of(r, json));
        } catch (JsonProcessingException | RuntimeException e) {
            // A record changed in the database so that it is no longer JSON: reported, and it holds back the later ones.
            LOG.errorf("Audit record %d cannot be forwarded: its stored details are not JSON (check the trail with /api/v1/audit/verify)", r.seq);
            return "unreadable record " + r.seq;
        }
        if (LOG_SINK.equals(sink)) {
            AUDIT_LOG.info(payload);
            return null;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(sink)).timeout(config.sinkTimeout())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", r.id)
                    .header("X-Kinga-Audit-Seq", Long.toString(r.seq))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            int status = client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(config.sinkTimeout()).build();
        }
        return http;
    }
}
