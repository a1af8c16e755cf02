package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.signature.RequestSignature;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers the outbox to the sinks after commit: in sequence order per realm, at least once,
 * one record per post with its id as {@code Idempotency-Key} or, with {@code sink-batch-size}
 * above 1, up to that many of a realm's consecutive records as a JSON array (each record its own
 * idempotency key), retrying with capped exponential backoff. A
 * failing record holds back the later records of its realm for that sink, so order is kept; each
 * realm goes on its own, so one realm held back never holds back another. A record the sink
 * refuses for what it is ({@value #DEAD_AFTER} times 400, 413, 415 or 422: too large, say) is set
 * aside as a dead letter, logged and kept in the outbox, so the realm's later records flow.
 * Runs on the audit thread (never Keycloak's shared timer) and on one cluster node at a time.
 */
final class AuditForwarder {

    static final String LOG_CATEGORY = "kinga.audit";
    private static final Logger LOG = Logger.getLogger(AuditForwarder.class);
    private static final Logger AUDIT_LOG = Logger.getLogger(LOG_CATEGORY);
    private static final int BATCH = 1000;
    /** A post's body at most, in characters: at most 3 bytes each in UTF-8, so under the sidecar's 1 MB body limit. */
    private static final int MAX_POST_CHARS = 300 * 1024;
    /** What is read of a sink's 422 answer, at most. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** Refusals of a record for what it is before it is set aside. */
    static final int DEAD_AFTER = 5;
    /** {@code nextAttemptAt} of a dead letter: kept, never retried. */
    static final long DEAD = Long.MAX_VALUE;
    /** Answers that refuse the record itself (malformed, too large, of a type or content not taken): retrying will not help. */
    private static final Set<Integer> REFUSED = Set.of(400, 413, 415, 422);
    private static final long WAKE_DELAY_MS = 100;
    private static final int ROUNDS_PER_RUN = 50;
    private static final String CLUSTER_TASK = "kinga-audit-forwarder";

    private final KeycloakSessionFactory factory;
    private final AuditConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    private final AuditMetrics metrics;

    AuditForwarder(KeycloakSessionFactory factory, AuditConfig config, ScheduledExecutorService executor) {
        this.factory = factory;
        this.config = config;
        this.executor = executor;
        this.metrics = new AuditMetrics(config.sinks());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.sinkTimeoutMillis())).build();
    }

    void start() {
        executor.scheduleWithFixedDelay(this::runSafely, config.forwardIntervalMillis(), config.forwardIntervalMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Called after a transaction that queued records committed: deliver soon rather than at the
     * next tick. Wakes within {@value #WAKE_DELAY_MS} ms are coalesced into one run, so a burst of
     * logins costs one delivery round, not one per login.
     */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            executor.schedule(() -> {
                wakeQueued.set(false);
                runSafely();
            }, WAKE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void runSafely() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted(CLUSTER_TASK, 300, () -> {
                        config.sinks().forEach(this::deliverTo);
                        config.sinks().forEach(this::measure);
                        return null;
                    }));
        } catch (RuntimeException e) {
            LOG.warnf("Kinga audit forwarding run failed: %s", e.getClass().getSimpleName());
        }
    }

    private record Pending(String id, String realmId, long seq, String recordId, String payload, boolean sealed, int attempts,
                           long nextAttemptAt) {
    }

    /** Why a delivery failed (a short reason, never the payload), and whether the sink refused the record itself. */
    private record Failure(String reason, boolean refused) {
    }

    /** The reason of a delivery whose outbox row does not carry Keycloak's seal: set aside at once. */
    private static final String UNSEALED = "outbox_seal_invalid";

    private void deliverTo(String sink) {
        for (int round = 0; round < ROUNDS_PER_RUN; round++) {
            List<Pending> batch = pending(sink);
            if (batch.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            List<String> delivered = new ArrayList<>();
            Map<Pending, Failure> failed = new HashMap<>();
            Map<String, List<Pending>> byRealm = new LinkedHashMap<>();
            batch.forEach(p -> byRealm.computeIfAbsent(p.realmId(), r -> new ArrayList<>()).add(p));
            byRealm.values().forEach(records -> deliverRealm(sink, records, now, delivered, failed));
            record(delivered, failed, now);
            metrics.delivered(sink, delivered.size());
            metrics.failed(sink, failed.size());
            if (delivered.isEmpty()) {
                return; // everything left is waiting for its retry time
            }
        }
    }

    /**
     * One realm's due records, in sequence order, in posts of up to {@code sink-batch-size}; the
     * first record that fails holds back the rest of the realm for this sink.
     */
    private void deliverRealm(String sink, List<Pending> records, long now, List<String> delivered, Map<Pending, Failure> failed) {
        int next = 0;
        while (next < records.size() && records.get(next).nextAttemptAt() <= now) {
            List<Pending> post = nextPost(sink, records, next, now);
            Sent sent = post.size() == 1 ? sendOne(sink, post.get(0)) : sendMany(sink, post);
            post.subList(0, sent.taken()).forEach(p -> delivered.add(p.id()));
            if (sent.failure() != null) {
                failed.put(post.get(sent.taken()), sent.failure());
                return;
            }
            next += post.size();
        }
    }

    /** The records from {@code first} that go in one post: consecutive, sealed, due, within the count and size limits. */
    private List<Pending> nextPost(String sink, List<Pending> records, int first, long now) {
        int max = AuditConfig.LOG_SINK.equals(sink) || !records.get(first).sealed() ? 1 : config.sinkBatchSize();
        int end = first + 1;
        long chars = records.get(first).payload().length();
        while (end < records.size() && end - first < max) {
            Pending p = records.get(end);
            chars += p.payload().length() + 1;
            if (!p.sealed() || p.nextAttemptAt() > now || chars > MAX_POST_CHARS) {
                break;
            }
            end++;
        }
        return records.subList(first, end);
    }
    private void measure(String sink) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            Object[] stats = em(session).createNamedQuery("kingaOutboxSinkStats", Object[].class)
                    .setParameter("sink", sink).setParameter("dead", DEAD).getSingleResult();
            long pending = ((Number) stats[0]).longValue();
            long oldest = stats[1] == null ? 0 : ((Number) stats[1]).longValue();
            metrics.outbox(sink, pending, pending == 0 ? 0 : System.currentTimeMillis() - oldest);
        });
    }

    /** The next records of every realm whose first waiting record is due, in sequence order per realm. */
    private List<Pending> pending(String sink) {
        List<Pending> batch = new ArrayList<>();
        long now = System.currentTimeMillis();
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            EntityManager em = em(session);
            List<String> realms = em.createNamedQuery("kingaOutboxDueRealms", String.class)
                    .setParameter("sink", sink).setParameter("now", now).setParameter("dead", DEAD).getResultList();
            int perRealm = Math.max(50, BATCH / Math.max(1, realms.size()));
            for (String realmId : realms) {
                em.createNamedQuery("kingaOutboxPendingOfRealm", AuditOutboxEntity.class)
                        .setParameter("sink", sink).setParameter("realmId", realmId).setParameter("dead", DEAD)
                        .setMaxResults(perRealm)
                        .getResultStream()
                        .forEach(o -> batch.add(new Pending(o.getId(), o.getRealmId(), o.getSeq(), o.getRecordId(),
                                o.getPayload(), config.sinkSigningKey() == null || OutboxSeal.holds(config.sinkSigningKey(), o),
                                o.getAttempts(), o.getNextAttemptAt())));
            }
        });
        return batch;
    }

    /** How many records of a post the sink took (from the first), and why the next one was not (null: all were). */
    private record Sent(int taken, Failure failure) {
    }

    /** One record as a JSON object, with its id as {@code Idempotency-Key}. */
    private Sent sendOne(String sink, Pending p) {
        if (!p.sealed()) {
            // Not queued by Keycloak (written into the database), or changed there: never signed, never sent.
            return new Sent(0, new Failure(UNSEALED, true));
        }
        if (AuditConfig.LOG_SINK.equals(sink)) {
            AUDIT_LOG.info(p.payload());
            return new Sent(1, null);
        }
        Answer answer = post(sink, p.payload(), Map.of("Idempotency-Key", p.recordId(), "X-Kinga-Audit-Seq", Long.toString(p.seq())));
        return answer.ok() ? new Sent(1, null) : new Sent(0, answer.failure());
    }

    /**
     * Consecutive records of one realm as a JSON array, each its own idempotency key. A sink that
     * refuses the batch and names the record it refused ({@code 422} with {@code index}, as the
     * sidecar's intake answers) took the records before it; one that refuses the batch without
     * saying which record gets them one at a time, so only the record it refuses is set aside.
     */
    private Sent sendMany(String sink, List<Pending> post) {
        StringBuilder body = new StringBuilder(post.size() * 1024).append('[');
        for (int i = 0; i < post.size(); i++) {
            body.append(i == 0 ? "" : ",").append(post.get(i).payload());
        }
        Answer answer = post(sink, body.append(']').toString(), Map.of("X-Kinga-Audit-Seq", Long.toString(post.get(0).seq()),
                "X-Kinga-Audit-Count", Integer.toString(post.size())));
        if (answer.ok()) {
            return new Sent(post.size(), null);
        }
        if (!answer.failure().refused()) {
            return new Sent(0, answer.failure()); // the sink is down or busy: the whole post again later
        }
        int index = refusedIndex(answer.refusal(), post);
        if (index >= 0) {
            return new Sent(index, answer.failure());
        }
        for (int i = 0; i < post.size(); i++) {
            Sent one = sendOne(sink, post.get(i));
            if (one.failure() != null) {
                return new Sent(i, one.failure());
            }
        }
        return new Sent(post.size(), null);
    }

    /** A sink's answer: taken, or the failure, with the body of a 422 (which may name the refused record). */
    private record Answer(Failure failure, String refusal) {
        boolean ok() {
            return failure == null;
        }
    }

    private Answer post(String sink, String payload, Map<String, String> headers) {
        try {
            URI uri = URI.create(sink);
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMillis(config.sinkTimeoutMillis()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            if (config.sinkSigningKey() != null) {
                String timestamp = Long.toString(System.currentTimeMillis() / 1000);
                request.header(RequestSignature.TIMESTAMP_HEADER, timestamp).header(RequestSignature.SIGNATURE_HEADER,
                        RequestSignature.header(config.sinkSigningKey(), "POST", uri.getRawPath(), timestamp, body));
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String answer;
            try (InputStream in = response.body()) {
                // only a 422 is read, and only its first few kilobytes: a sink's answer never fills this node's memory
                answer = status == 422 ? new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8) : null;
            }
            if (status >= 200 && status < 300) {
                return new Answer(null, null);
            }
            return new Answer(new Failure("HTTP " + status, REFUSED.contains(status)), answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(new Failure("interrupted", false), null);
        } catch (Exception e) {
            return new Answer(new Failure(e.getClass().getSimpleName(), false), null);
        }
    }

    /**
     * The record a 422 answer to {@code post} names, as the sidecar's intake answers: its
     * {@code index}, with {@code taken} listing exactly the records before it, in order. -1 for
     * any other answer (a sink that said something else gets the post one record at a time).
     */
    private static int refusedIndex(String answer, List<Pending> post) {
        if (answer == null) {
            return -1;
        }
        try {
            JsonNode body = AuditEntry.CANONICAL_JSON.readTree(answer);
            JsonNode taken = body.path("taken");
            int index = body.path("index").canConvertToInt() ? body.path("index").asInt() : -1;
            if (index < 0 || index >= post.size() || !taken.isArray() || taken.size() != index) {
                return -1;
            }
            for (int i = 0; i < index; i++) {
                if (!post.get(i).recordId().equals(taken.get(i).path("recordId").asText())) {
                    return -1;
                }
            }
            return index;
        } catch (Exception e) {
            return -1;
        }
    }

    private void record(List<String> delivered, Map<Pending, Failure> failed, long now) {
        if (delivered.isEmpty() && failed.isEmpty()) {
            return;
        }
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            EntityManager em = em(session);
            if (!delivered.isEmpty()) {
                em.createQuery("delete from AuditOutboxEntity o where o.id in :ids")
                        .setParameter("ids", delivered).executeUpdate();
            }
            failed.forEach((p, failure) -> {
                AuditOutboxEntity row = em.find(AuditOutboxEntity.class, p.id());
                if (row != null) {
                    row.setAttempts(p.attempts() + 1);
                    if (dead(p, failure)) {
                        row.setNextAttemptAt(DEAD);
                        row.setLastError("dead letter: " + failure.reason());
                    } else {
                        row.setNextAttemptAt(now + backoff(p.attempts() + 1));
                        row.setLastError(failure.reason());
                    }
                }
            });
        });
        failed.forEach((p, failure) -> {
            if (UNSEALED.equals(failure.reason())) {
                LOG.errorf("Kinga audit: the outbox row for record %d of realm %s does not carry Keycloak's seal (written or changed"
                        + " in the database); it is set aside and never sent", p.seq(), p.realmId());
            } else if (dead(p, failure)) {
                LOG.warnf("Kinga audit: a sink refused record %d of realm %s %d times (%s); it is set aside as a dead letter"
                        + " in the outbox and the realm's later records go on", p.seq(), p.realmId(), DEAD_AFTER, failure.reason());
            } else {
                LOG.debugf("Kinga audit: sink delivery of seq %d failed (%s); will retry", p.seq(), failure.reason());
            }
        });
    }

    private static boolean dead(Pending p, Failure failure) {
        return failure.refused() && (p.attempts() + 1 >= DEAD_AFTER || UNSEALED.equals(failure.reason()));
    }

    /** 1 s, 2 s, 4 s, ... capped, with ±20 % jitter so nodes and realms do not retry in step. */
    long backoff(int attempts) {
        long base = Math.min(config.maxBackoffMillis(), 1000L << Math.min(attempts - 1, 20));
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Math.max(1, (long) (base * jitter));
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
