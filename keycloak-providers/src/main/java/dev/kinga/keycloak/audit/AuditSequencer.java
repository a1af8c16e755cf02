package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.hibernate.Session;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives queued records their place in each realm's chain, in batches (the design of Certificate
 * Transparency logs: entries are queued durably, a sequencer integrates them). Every node runs
 * one; for each realm, one batch transaction at a time across the cluster holds the realm's head
 * row locked (its <em>lease</em>), links up to {@code sequencer-batch-size} queued records in the
 * order they happened ({@link ChainLinker}), moves the head once, and queues their deliveries in
 * {@code seq} order. A node that dies mid-batch loses the lock with its database connection: the
 * batch rolls back whole, and the next batch on any node takes the same records.
 * <p>
 * It runs {@code sequencer-window-ms} after a commit that queued records, and every second
 * besides; then it also measures the queue ({@code kinga_audit_unsequenced_records},
 * {@code kinga_audit_unsequenced_age_seconds}) and raises {@value #MERGE_DELAYED} when a record
 * has waited longer than {@code max-merge-delay-seconds}.
 */
final class AuditSequencer {

    static final String MERGE_DELAYED = "AUDIT_MERGE_DELAYED";
    private static final Logger LOG = Logger.getLogger(AuditSequencer.class);
    private static final long SWEEP_MILLIS = 1000;
    private static final String LOCK_TIMEOUT = "jakarta.persistence.lock.timeout";
    /** Hibernate's lock timeout for SKIP LOCKED (LockOptions.SKIP_LOCKED). */
    private static final int SKIP_LOCKED = -2;
    /** Rows per JDBC batch when a batch is linked (its records' updates, its deliveries' inserts). */
    private static final int JDBC_BATCH = 100;

    private final KeycloakSessionFactory factory;
    private final AuditConfig config;
    private final Runnable linked;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kinga-audit-sequencer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean runScheduled = new AtomicBoolean();
    private final AtomicLong unsequenced = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();
    private final Timer mergeDelay;

    /** @param linked what to do after records were linked (wake the forwarder: their deliveries are queued) */
    AuditSequencer(KeycloakSessionFactory factory, AuditConfig config, Runnable linked) {
        this.factory = factory;
        this.config = config;
        this.linked = linked;
        Gauge.builder("kinga.audit.unsequenced.records", unsequenced, AtomicLong::get)
                .description("Committed audit records waiting for their place in the chain (all realms)")
                .register(Metrics.globalRegistry);
        Gauge.builder("kinga.audit.unsequenced.age.seconds", oldestAgeMillis, a -> a.get() / 1000.0)
                .description("Age of the oldest committed audit record not yet in the chain")
                .register(Metrics.globalRegistry);
        mergeDelay = Timer.builder("kinga.audit.merge.delay")
                .description("From an audit record's event to its place in the chain, as this node's sequencer linked it")
                .publishPercentiles(0.5, 0.99).register(Metrics.globalRegistry);
    }

    void start() {
        executor.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** After a commit that queued records: link them within the window (many commits, one run). */
    void wake() {
        if (runScheduled.compareAndSet(false, true)) {
            try {
                executor.schedule(() -> {
                    runScheduled.set(false);
                    drain();
                }, config.sequencerWindowMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                runScheduled.set(false); // shutting down: the next start sequences what is queued
            }
        }
    }

    void stop() {
        executor.shutdownNow();
    }

    private void sweep() {
        drain();
        measure();
    }

    /** Links every realm's queued records, batch after batch; how many. */
    int drain() {
        int total = 0;
        List<String> realms;
        try {
            realms = realmIds();
        } catch (RuntimeException e) {
            LOG.warnf("Kinga audit sequencer: the realms could not be listed (%s)", e.getClass().getSimpleName());
            return 0;
        }
        for (String realmId : realms) {
            try {
                total += linkQueued(realmId);
            } catch (RuntimeException e) {
                // The batch rolled back whole: its records stay queued for the next run, here or on another node.
                // One realm's failure holds back no other realm.
                LOG.warnf("Kinga audit sequencer: a batch of realm %s failed and was rolled back (%s); its records stay queued",
                        realmId, e.getClass().getSimpleName());
            }
        }
        if (total > 0) {
            linked.run();
        }
        return total;
    }

    /** Links everything queued for one realm now (verify does, so that it checks every committed record); how many. */
    int drainRealm(String realmId) {
        int total = linkQueued(realmId);
        if (total > 0) {
            linked.run();
        }
        return total;
    }

    /** Batch after batch until one is not full: how many records of the realm were linked. */
    private int linkQueued(String realmId) {
        int total = 0;
        int batch;
        do {
            batch = sequence(realmId);
            total += batch;
        } while (batch == config.sequencerBatchSize());
        return total;
    }

    private List<String> realmIds() {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> em(session)
                .createQuery("select h.realmId from AuditChainHeadEntity h order by h.realmId", String.class).getResultList());
    }

    /** One batch of one realm, in one transaction that holds the realm's head: how many records it linked. */
    int sequence(String realmId) {
        List<Long> times = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            EntityManager em = em(session);
            // The batch's links and deliveries go to the database in a few round trips, not one per row.
            em.unwrap(Session.class).setJdbcBatchSize(JDBC_BATCH);
            // SKIP LOCKED: a head another node's batch holds is that node's work now; a head someone else holds
            // (a stray database session) stalls this realm only, and the queue's age says so.
            AuditChainHeadEntity head = em.find(AuditChainHeadEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE,
                    Map.of(LOCK_TIMEOUT, SKIP_LOCKED));
            if (head == null) {
                return List.<Long>of();
            }
            // Locked too, so that an erasure of a queued record's personal part waits for this batch (and then
            // rewrites the deliveries it queued); records an erasure holds are skipped, never waited for, so the
            // two never wait on each other.
            List<AuditRecordEntity> queued = em.createNamedQuery("kingaAuditQueued", AuditRecordEntity.class)
                    .setParameter("realmId", realmId).setLockMode(LockModeType.PESSIMISTIC_WRITE).setHint(LOCK_TIMEOUT, SKIP_LOCKED)
                    .setMaxResults(config.sequencerBatchSize()).getResultList();
            if (queued.isEmpty()) {
                return List.<Long>of();
            }
            ChainLinker.Head next = ChainLinker.link(new ChainLinker.Head(head.getLastSeq(), head.getLastHash()), queued,
                    Anchors.statement(config.anchorKeys()));
            head.setLastSeq(next.seq());
            head.setLastHash(next.hash());
            queueDeliveries(session, em, realmId, queued);
            return queued.stream().map(AuditRecordEntity::getTime).toList();
        });
        long committed = System.currentTimeMillis(); // measured once the batch is in the chain for good
        times.forEach(t -> mergeDelay.record(Math.max(0, committed - t), TimeUnit.MILLISECONDS));
        return times.size();
    }

    /** Each record, in seq order, to each sink: sealed so the forwarder sends only what a sequencer queued. */
    private void queueDeliveries(KeycloakSession session, EntityManager em, String realmId, List<AuditRecordEntity> records) {
        if (config.sinks().isEmpty()) {
            return;
        }
        RealmModel realm = session.realms().getRealm(realmId);
        String realmName = realm == null ? null : realm.getName();
        long now = System.currentTimeMillis();
        for (AuditRecordEntity record : records) {
            String payload = AuditRecordJson.of(record, realmName).toString();
            for (String sink : config.sinks()) {
                AuditOutboxEntity out = new AuditOutboxEntity();
                out.setId(UUID.randomUUID().toString());
                out.setRecordId(record.getId());
                out.setRealmId(realmId);
                out.setSeq(record.getSeq());
                out.setSink(sink);
                out.setPayload(payload);
                out.setCreatedAt(now);
                out.setAttempts(0);
                out.setNextAttemptAt(0);
                if (config.sinkSigningKey() != null) {
                    out.setPayloadMac(OutboxSeal.of(config.sinkSigningKey(), out));
                }
                em.persist(out);
            }
        }
    }

    /** The queue's size and age for the metrics; a realm whose oldest record waited too long raises an alert. */
    private void measure() {
        try {
            long now = System.currentTimeMillis();
            long total = 0;
            long oldest = 0;
            for (String realmId : realmIds()) {
                Object[] row = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> em(session)
                        .createNamedQuery("kingaAuditQueuedCount", Object[].class).setParameter("realmId", realmId).getSingleResult());
                long count = ((Number) row[0]).longValue();
                if (count == 0) {
                    continue;
                }
                long age = Math.max(0, now - ((Number) row[1]).longValue());
                total += count;
                oldest = Math.max(oldest, age);
                if (age > config.maxMergeDelaySeconds() * 1000L) {
                    mergeDelayed(realmId, count, age, now);
                }
            }
            unsequenced.set(total);
            oldestAgeMillis.set(oldest);
        } catch (RuntimeException e) {
            LOG.warnf("Kinga audit sequencer: the queue could not be measured (%s)", e.getClass().getSimpleName());
        }
    }

    /** At most once a minute per realm and node: a log line and a WARNING record (queued like any other). */
    private void mergeDelayed(String realmId, long count, long ageMillis, long now) {
        Long last = lastWarned.get(realmId);
        if (last != null && now - last < 60_000) {
            return;
        }
        lastWarned.put(realmId, now);
        LOG.warnf("Kinga audit trail: %d records of realm %s have waited %d s for their place in the chain (maximum merge"
                + " delay %d s): is the database refusing the sequencer?", count, realmId, ageMillis / 1000, config.maxMergeDelaySeconds());
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
            details.put("count", count);
            details.put("waitedSeconds", ageMillis / 1000);
            new AuditTrail(session).append(realmId, new AuditEntry(now, MERGE_DELAYED, Severity.WARNING, "FAILURE",
                    null, null, null, null, "kinga-audit/sequencer", details));
        });
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
