package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.connector.AppConnectors;
import dev.kinga.sidecar.connector.Connector;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.jobs.LeasedJobs;
import dev.kinga.sidecar.jobs.LeasedJobs.Claim;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs data-subject requests whose time has come, on any sidecar on the database. A job is
 * claimed with {@code SELECT ... FOR UPDATE SKIP LOCKED} and leased: its claim commits before the
 * work starts, so two sidecars never take the same job; a sidecar killed mid-job leaves the lease
 * to run out, and the job is claimed again and finished (each connector's erase is idempotent:
 * a person already erased is reported as such, not erased twice). A connector that fails is
 * retried with exponential back-off and the request fails, with the reason, after
 * {@code kinga.dsr.max-attempts}; nothing is skipped silently.
 */
@ApplicationScoped
public class DsrWorker {

    private static final Logger LOG = Logger.getLogger(DsrWorker.class);

    @Inject
    DsrConfig config;

    @Inject
    EntityManager em;

    @Inject
    DataSubjectRequests requests;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    ObjectMapper json;

    @Inject
    AppConnectors apps;

    @Inject
    Instance<PersonalDataStore> stores;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kinga-dsr-worker");
        t.setDaemon(true);
        return t;
    });

    /**
     * Drains the queue: claims up to {@code kinga.dsr.workers} jobs in one transaction (rows
     * locked with {@code SKIP LOCKED}, so other sidecars take others) and runs them at once, batch
     * after batch, for at most {@code kinga.dsr.drain-limit} per poll so expired archives are still
     * cleaned up on time.
     */
    @Scheduled(every = "${kinga.dsr.poll-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        LeasedJobs.drain(config.drainLimit(), () -> claim(config.workers()), this::runAll);
        deleteExpiredArchives();
    }

    /** Runs a batch at once on the worker pool; false when this node is shutting down. */
    private boolean runAll(List<Claim> batch) {
        List<Future<?>> running = new ArrayList<>();
        for (Claim claim : batch) {
            running.add(pool.submit(() -> run(claim)));
        }
        for (Future<?> job : running) {
            try {
                job.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                LOG.errorf("data-subject request worker: %s", e.getCause().getClass().getName());
            }
        }
        return true;
    }

    void stopWorkers(@Observes ShutdownEvent stop) {
        pool.shutdownNow();
    }

    /** Takes the next job that may run, or null; the claim commits before the work starts. */
    Claim claim() {
        List<Claim> one = claim(1);
        return one.isEmpty() ? null : one.get(0);
    }

    /** Takes up to {@code max} jobs that may run, at most one per person; the claims commit before the work starts. */
    @Transactional
    List<Claim> claim(int max) {
        Instant now = requests.now();
        // Never two jobs for one person at once: an export running beside their erasure would
        // store an archive of someone just erased.
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT r.id, r.subject_id FROM dsr_request r"
                        + " WHERE ((r.status IN ('RECEIVED', 'SCHEDULED') AND r.run_after <= ?1)"
                        + " OR (r.status = 'IN_PROGRESS' AND r.lease_until <= ?1))"
                        + " AND NOT EXISTS (SELECT 1 FROM dsr_request o WHERE o.subject_id = r.subject_id AND o.id <> r.id"
                        + " AND o.status = 'IN_PROGRESS' AND o.lease_until > ?1)"
                        + " ORDER BY r.run_after LIMIT ?2 FOR UPDATE SKIP LOCKED")
                .setParameter(1, now)
                .setParameter(2, 2 * max)
                .getResultList();
        List<Claim> claims = new ArrayList<>();
        java.util.Set<String> people = new java.util.HashSet<>();
        for (Object[] row : rows) {
            if (claims.size() == max || !people.add(String.valueOf(row[1]))) {
                continue;
            }
            DsrRequest r = em.find(DsrRequest.class, row[0]);
            if (r.attempts >= config.maxAttempts()) { // its workers kept dying (a job too big for memory, say): stop retrying
                requests.moveTo(r, DsrStatus.FAILED, DataSubjectRequests.WORKER, "no worker finished it in " + r.attempts + " attempts");
                r.leaseUntil = null;
                continue;
            }
            if (r.status != DsrStatus.IN_PROGRESS) {
                requests.moveTo(r, DsrStatus.IN_PROGRESS, DataSubjectRequests.WORKER, null);
            }
            r.attempts++;
            r.leaseUntil = now.plus(config.lease());
            claims.add(new Claim(r.id, r.attempts));
        }
        return claims;
    }

    /** Runs a claimed job: its own request context, each step in its own transaction (no transaction spans a connector call). */
    @ActivateRequestContext
    void run(Claim claim) {
        DsrRequest r = requests.find(claim.id());
        try {
            ObjectNode receipt = r.type == DsrType.EXPORT ? export(r) : erase(r);
            complete(claim, receipt);
        } catch (KeycloakPrivacy.ConnectorException e) {
            retryOrFail(claim, e.getMessage(), e.permanent);
        } catch (RuntimeException e) {
            LOG.errorf("data-subject request %s: %s", claim.id(), e.getClass().getName());
            retryOrFail(claim, "internal error: " + e.getClass().getSimpleName(), false);
        }
    }

    private ObjectNode export(DsrRequest r) {
        ObjectNode archive = json.createObjectNode();
        archive.put("schema", "kinga.dsr-export/1");
        archive.put("request", r.id);
        archive.put("subjectId", r.subjectId);
        archive.put("generatedAt", requests.now().toString());
        // The apps answer while Keycloak does: an export takes as long as its slowest part, not their sum.
        Map<String, java.util.concurrent.CompletableFuture<JsonNode>> asked = new java.util.TreeMap<>();
        apps.all().forEach((name, connector) -> asked.put(name,
                java.util.concurrent.CompletableFuture.supplyAsync(() -> apps.call(connector, "export", r.id, r.subjectId), pool)));
        JsonNode fromKeycloak = keycloak.export(r.subjectId);
        ObjectNode parts = archive.putObject("parts");
        ObjectNode fromApps = json.createObjectNode();
        asked.forEach((name, answer) -> fromApps.set(name, joined(answer)));
        parts.set("keycloak", fromKeycloak == null ? json.createObjectNode().put("absent", "no such user") : fromKeycloak);
        ObjectNode sidecar = parts.putObject("sidecar");
        ArrayNode history = sidecar.putArray("requests");
        for (DsrRequest other : requests.list(null, r.subjectId, 1000)) {
            ObjectNode item = history.addObject();
            item.put("id", other.id);
            item.put("type", other.type.name().toLowerCase(java.util.Locale.ROOT));
            item.put("status", other.status.apiName());
            item.put("receivedAt", other.receivedAt.toString());
        }
        Map<String, Integer> sidecarCounts = new java.util.TreeMap<>();
        for (PersonalDataStore store : stores) {
            JsonNode part = store.export(r.subjectId);
            sidecar.set(store.name(), part);
            sidecarCounts.putAll(store.exported(part));
        }
        parts.set("apps", fromApps);
        String content = archive.toString();
        storeArchive(r.id, content);
        ObjectNode receipt = json.createObjectNode();
        ObjectNode connectors = receipt.putObject("connectors");
        fromApps.fields().forEachRemaining(app -> connectors.putObject(app.getKey())
                .put("records", app.getValue().path("records").size()));
        connectors.putObject("keycloak").put("found", fromKeycloak != null)
                .put("auditRecords", fromKeycloak == null ? 0 : fromKeycloak.path("auditRecords").size())
                .put("events", fromKeycloak == null ? 0 : fromKeycloak.path("events").size());
        ObjectNode sidecarExported = connectors.putObject("sidecar").put("requests", history.size());
        sidecarCounts.forEach(sidecarExported::put);
        receipt.put("archiveBytes", content.length());
        return receipt;
    }

    /** The apps first (each once, however often the job runs), then Keycloak, then the sidecar's own stores. */
    private ObjectNode erase(DsrRequest r) {
        ObjectNode receipt = json.createObjectNode();
        ObjectNode connectors = receipt.putObject("connectors");
        // Keycloak first says whether it will erase this account (it refuses administrators, service accounts)
        // and disables it, before any app erases anything: no partial erasure of an account that cannot be erased.
        Map<String, Connector> toCall = apps.all(); // every app's secret opens, before anything changes
        keycloak.hold(r.subjectId);
        toCall.forEach((name, connector) -> {
            ConnectorCall done = em.find(ConnectorCall.class, new ConnectorCall.Key(r.id, name));
            if (done == null) {
                done = recordCall(r.id, name, apps.call(connector, "erase", r.id, r.subjectId));
            }
            try {
                connectors.set(name, json.readTree(done.result));
            } catch (java.io.IOException e) {
                connectors.put(name, "unreadable");
            }
        });
        JsonNode fromKeycloak = keycloak.erase(r.subjectId);
        ObjectNode sidecarErased = connectors.putObject("sidecar");
        for (PersonalDataStore store : stores) {
            store.erase(r.subjectId).forEach(sidecarErased::put);
        }
        sidecarErased.put("at", requests.now().toString());
        if (fromKeycloak == null) {
            connectors.putObject("keycloak").put("user", 0).put("note", "no such user: already erased")
                    .put("at", requests.now().toString());
        } else {
            connectors.set("keycloak", fromKeycloak);
        }
        return receipt;
    }

    /** Keeps what an app says it erased as counts only: an app echoing personal data leaves none in the receipt. */
    @Transactional
    ConnectorCall recordCall(String requestId, String connector, JsonNode result) {
        ObjectNode answer = json.createObjectNode();
        ObjectNode erased = answer.putObject("erased");
        result.path("erased").fields().forEachRemaining(kind -> {
            if (kind.getValue().canConvertToLong() && erased.size() < 50 && kind.getKey().length() <= 64) {
                erased.put(kind.getKey(), kind.getValue().asLong());
            }
        });
        answer.put("at", requests.now().toString());
        ConnectorCall call = new ConnectorCall();
        call.requestId = requestId;
        call.connector = connector;
        String text = answer.toString();
        call.result = text.length() > 100_000 ? json.createObjectNode().put("note", "answer too long to keep").toString() : text;
        call.doneAt = requests.now();
        em.persist(call);
        return call;
    }

    @Transactional
    void storeArchive(String requestId, String content) {
        DsrArchive archive = em.find(DsrArchive.class, requestId);
        boolean created = archive == null;
        if (created) {
            archive = new DsrArchive();
            archive.requestId = requestId;
        }
        archive.content = content;
        archive.createdAt = requests.now();
        archive.expiresAt = archive.createdAt.plus(config.archiveTtl());
        if (created) {
            em.persist(archive);
        }
    }

    @Transactional
    void complete(Claim claim, ObjectNode receipt) {
        DsrRequest r = em.find(DsrRequest.class, claim.id(), LockModeType.PESSIMISTIC_WRITE);
        if (!holds(r, claim)) {
            return; // another worker took the job over: its outcome counts
        }
        if (r.type == DsrType.EXPORT && erased(r.subjectId)) {
            // The person was erased while this export ran: no archive of them is kept.
            em.createQuery("delete from DsrArchiveLink l where l.requestId = :id").setParameter("id", r.id).executeUpdate();
            em.createQuery("delete from DsrArchive a where a.requestId = :id").setParameter("id", r.id).executeUpdate();
            receipt.put("archiveDeleted", "the person was erased meanwhile");
        }
        receipt.put("completedAt", requests.now().toString());
        r.receipt = receipt.toString();
        r.leaseUntil = null;
        r.lastError = null;
        requests.moveTo(r, DsrStatus.COMPLETED, DataSubjectRequests.WORKER, null);
        if (r.type == DsrType.ERASURE) {
            r.subject = r.subjectId;
            r.reason = null;
            em.flush();
            requests.forget(r.subjectId);
        }
    }

    /** The answer of a call made on the pool, with its failure as thrown by the call. */
    private static JsonNode joined(java.util.concurrent.CompletableFuture<JsonNode> answer) {
        try {
            return answer.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    private boolean erased(String subjectId) {
        return em.createQuery("select count(r) from DsrRequest r where r.subjectId = :s and r.type = :erasure and r.status = :done",
                        Long.class).setParameter("s", subjectId).setParameter("erasure", DsrType.ERASURE)
                .setParameter("done", DsrStatus.COMPLETED).getSingleResult() > 0;
    }

    private static boolean holds(DsrRequest r, Claim claim) {
        return r.status == DsrStatus.IN_PROGRESS && r.attempts == claim.attempt();
    }

    /** @param permanent Keycloak refused for good (a 4xx such as an administrator's account): no retry */
    @Transactional
    void retryOrFail(Claim claim, String error, boolean permanent) {
        DsrRequest r = em.find(DsrRequest.class, claim.id(), LockModeType.PESSIMISTIC_WRITE);
        if (!holds(r, claim)) {
            return;
        }
        r.lastError = error.length() > 255 ? error.substring(0, 255) : error;
        if (permanent || r.attempts >= config.maxAttempts()) {
            requests.moveTo(r, DsrStatus.FAILED, DataSubjectRequests.WORKER, r.lastError);
            r.leaseUntil = null;
            LOG.warnf("data-subject request %s failed after %d attempts: %s", claim.id(), r.attempts, r.lastError);
        } else {
            r.leaseUntil = requests.now().plus(LeasedJobs.backoff(config.retryDelay(), r.attempts)); // claimed again after the back-off
            LOG.infof("data-subject request %s: attempt %d failed (%s), retrying at %s", claim.id(), r.attempts, r.lastError, r.leaseUntil);
        }
    }

    @Transactional
    void deleteExpiredArchives() {
        Instant now = requests.now();
        // Links outlive their archive by a week, so a late click says "expired" (410), not "unknown" (404).
        em.createQuery("delete from DsrArchiveLink l where l.expiresAt <= :before").setParameter("before", now.minus(Duration.ofDays(7)))
                .executeUpdate();
        em.createQuery("delete from DsrArchive a where a.expiresAt <= :now").setParameter("now", now).executeUpdate();
    }
}
