package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lifecycle of data-subject requests, and its rules: a request is due one month after it
 * was received (GDPR Art. 12(3)); the due date may be extended, with a reason, to at most three
 * months after receipt; an erasure first waits out its grace period with the account disabled;
 * a request can be cancelled until its job starts; every change is a transition with its actor,
 * in the request's history and in the sidecar's audit trail.
 */
@ApplicationScoped
public class DataSubjectRequests {

    /** Who the worker's transitions are by. */
    static final String WORKER = AuditTrail.SERVICE_ACTOR;

    @Inject
    DsrConfig config;

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    @Inject
    KeycloakPrivacy keycloak;

    Clock clock = Clock.systemUTC();


    int graceDays(Integer asked) {
        int days = asked == null ? config.erasureGraceDays() : asked;
        if (days < 0 || days > config.maxGraceDays()) {
            throw new Refusal(400, "invalid_request", "graceDays must be between 0 and " + config.maxGraceDays());
        }
        return days;
    }

    /** Records a new request for a person Keycloak knows as {@code subjectId}. */
    @Transactional
    public DsrRequest create(DsrType type, String subject, String subjectId, String reason, int graceDays, String actor) {
        Instant now = now();
        DsrRequest r = new DsrRequest();
        r.id = UUID.randomUUID().toString();
        r.type = type;
        r.subject = subject;
        r.subjectId = subjectId;
        r.reason = reason;
        r.receivedAt = now;
        r.dueAt = now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        r.createdBy = actor;
        r.status = DsrStatus.RECEIVED;
        r.openErasure = type == DsrType.ERASURE ? subjectId : null;
        em.persist(r);
        try {
            em.flush();
        } catch (PersistenceException duplicate) {
            throw new Refusal(409, "erasure_pending", "An erasure for this person is already open");
        }
        record(r, null, DsrStatus.RECEIVED, actor, reason); // status RECEIVED from the start
        if (type == DsrType.ERASURE) {
            r.graceDays = graceDays;
            r.runAfter = now.plus(Duration.ofDays(graceDays));
            moveTo(r, DsrStatus.SCHEDULED, actor, graceDays == 0 ? "no grace period" : "account disabled until " + r.runAfter);
        } else {
            r.runAfter = now;
        }
        return r;
    }

    public DsrRequest find(String id) {
        DsrRequest r = id == null ? null : em.find(DsrRequest.class, id);
        if (r == null) {
            throw new Refusal(404, "not_found", "No data-subject request with this id");
        }
        return r;
    }

    /** The person's own request, or 404 (whether it is someone else's or does not exist is not told apart). */
    public DsrRequest findOwn(String id, String subjectId) {
        DsrRequest r = id == null || subjectId == null ? null : em.find(DsrRequest.class, id);
        if (r == null || !subjectId.equals(r.subjectId)) {
            throw new Refusal(404, "not_found", "You have no request with this id");
        }
        return r;
    }

    /**
     * Gives a person's new, held erasure a cancellation code (random, 256 bits); only its hash is
     * kept. An erasure cancelled between its creation and its hold gets its account back instead.
     */
    @Transactional
    public String issueCancelCode(String id) {
        DsrRequest r = locked(id);
        if (r.status != DsrStatus.SCHEDULED) {
            keycloak.release(r.subjectId);
            throw new Refusal(409, "not_cancellable", "The request was cancelled meanwhile; the account is back as it was");
        }
        String code = SecretTokens.newToken();
        r.cancelCodeHash = SecretTokens.hash(code);
        return code;
    }

    /**
     * Cancels the erasure a cancellation code was issued for, giving the account back first under
     * the row lock; the code is used up.
     */
    @Transactional
    public DsrRequest cancelByCode(String code) {
        if (!SecretTokens.wellFormed(code)) {
            throw new Refusal(404, "unknown_code", "This cancellation code is not valid (any more)");
        }
        List<DsrRequest> found = em.createQuery("select r from DsrRequest r where r.cancelCodeHash = :h", DsrRequest.class)
                .setParameter("h", SecretTokens.hash(code)).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        if (found.isEmpty()) {
            throw new Refusal(404, "unknown_code", "This cancellation code is not valid (any more)");
        }
        DsrRequest r = found.get(0);
        requireCancellable(r);
        keycloak.release(r.subjectId);
        moveTo(r, DsrStatus.CANCELLED, r.subjectId, "cancelled by the person with their cancellation code");
        r.runAfter = null;
        return r;
    }

    public List<DsrTransition> history(String id) {
        return em.createQuery("select t from DsrTransition t where t.requestId = :id order by t.seq", DsrTransition.class)
                .setParameter("id", id).getResultList();
    }

    public List<DsrRequest> list(DsrStatus status, String subjectId, int limit) {
        StringBuilder jpql = new StringBuilder("select r from DsrRequest r where 1 = 1");
        if (status != null) {
            jpql.append(" and r.status = :status");
        }
        if (subjectId != null) {
            jpql.append(" and r.subjectId = :subjectId");
        }
        var query = em.createQuery(jpql.append(" order by r.receivedAt desc, r.id").toString(), DsrRequest.class)
                .setMaxResults(limit);
        if (status != null) {
            query.setParameter("status", status);
        }
        if (subjectId != null) {
            query.setParameter("subjectId", subjectId);
        }
        return query.getResultList();
    }

    /**
     * Cancels a request whose job has not started (or that failed). An erasure's account is given
     * back first, under the request's row lock, so no worker can claim the job meanwhile; if
     * Keycloak cannot give it back, nothing changes and the caller may try again.
     */
    @Transactional
    public DsrRequest cancel(String id, String actor, String note) {
        DsrRequest r = locked(id);
        requireCancellable(r);
        if (r.type == DsrType.ERASURE) {
            keycloak.release(r.subjectId);
        }
        moveTo(r, DsrStatus.CANCELLED, actor, note);
        r.runAfter = null;
        return r;
    }

    /**
     * A new erasure whose hold failed (Keycloak unreachable, or it answered after a timeout): the
     * account is given back if Keycloak lets it, and the request is cancelled either way.
     */
    @Transactional
    public void abandon(String id, String note) {
        DsrRequest r = locked(id);
        try {
            keycloak.release(r.subjectId);
        } catch (KeycloakPrivacy.ConnectorException stillDown) {
            note = note + "; the account may still be disabled: release it in Keycloak (DELETE .../kinga-privacy/users/{id}/hold)";
        }
        if (r.status.cancellable()) {
            moveTo(r, DsrStatus.CANCELLED, WORKER, note);
            r.runAfter = null;
        }
    }

    /** Refuses (409, naming the status) a request whose job has started or finished. */
    static void requireCancellable(DsrRequest r) {
        if (!r.status.cancellable()) {
            throw new Refusal(409, "not_cancellable", "A request that is " + r.status.apiName()
                    + " cannot be cancelled; only received, scheduled or failed ones can");
        }
    }

    /** Moves the due date by {@code days}, for a reason, to at most three months after receipt (Art. 12(3)). */
    @Transactional
    public DsrRequest extend(String id, int days, String reason, String actor) {
        if (reason == null || reason.isBlank()) {
            throw new Refusal(400, "invalid_request", "reason is required: the person must be told why their request takes longer");
        }
        if (days < 1) {
            throw new Refusal(400, "invalid_request", "days must be at least 1");
        }
        DsrRequest r = locked(id);
        if (r.status.finished()) {
            throw new Refusal(409, "finished", "A request that is " + r.status.apiName() + " has no due date to move");
        }
        Instant latest = r.receivedAt.atZone(ZoneOffset.UTC).plusMonths(3).toInstant();
        Instant due = r.dueAt.plus(Duration.ofDays(days));
        if (due.isAfter(latest)) {
            throw new Refusal(400, "extension_too_long", "The due date may move to at most three months after receipt ("
                    + latest.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        r.dueAt = due;
        recordChange(r, actor, "due date moved to " + due.truncatedTo(ChronoUnit.SECONDS) + ": " + reason.strip());
        return r;
    }

    /** Moves the request to {@code to}: the one place a request's status changes, always with its history and trail record. */
    void moveTo(DsrRequest r, DsrStatus to, String actor, String note) {
        record(r, r.status, to, actor, note);
        r.status = to;
    }

    /** Records a change of something other than the status (the due date) in the history and the trail. */
    private void recordChange(DsrRequest r, String actor, String note) {
        record(r, r.status, r.status, actor, note);
    }

    /** Writes one history entry and its trail record. */
    private void record(DsrRequest r, DsrStatus from, DsrStatus to, String actor, String note) {
        if (to.finished()) {
            r.openErasure = null;
        }
        if (to == DsrStatus.COMPLETED || to == DsrStatus.CANCELLED) {
            r.cancelCodeHash = null; // nothing left to cancel (a failed erasure can still be cancelled with it)
        }
        if (note != null && note.length() > 2000) {
            note = note.substring(0, 1999) + "…";
        }
        long count = em.createQuery("select count(t) from DsrTransition t where t.requestId = :id", Long.class)
                .setParameter("id", r.id).getSingleResult();
        DsrTransition t = new DsrTransition();
        t.id = UUID.randomUUID().toString();
        t.requestId = r.id;
        t.seq = (int) count + 1;
        t.at = now();
        t.fromStatus = from == null ? null : from.apiName();
        t.toStatus = to.apiName();
        t.actor = actor;
        t.note = note;
        em.persist(t);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", r.id);
        details.put("type", r.type.name().toLowerCase(java.util.Locale.ROOT));
        details.put("subjectId", r.subjectId);
        details.put("from", t.fromStatus);
        details.put("to", t.toStatus);
        details.put("actor", actor);
        trail.appendByService("DSR_TRANSITION", details);
    }

    /**
     * After an erasure: the person's requests keep their ids, dates, transitions and outcomes (the
     * proof that the requests were answered) but no longer the name they were made under, the
     * reason text or the notes, and their export archives and links are deleted.
     * @return how many requests were pseudonymised
     */
    @Transactional
    public int forget(String subjectId) {
        em.createQuery("delete from DsrArchiveLink l where l.requestId in (select r.id from DsrRequest r where r.subjectId = :s)")
                .setParameter("s", subjectId).executeUpdate();
        em.createQuery("delete from DsrArchive a where a.requestId in (select r.id from DsrRequest r where r.subjectId = :s)")
                .setParameter("s", subjectId).executeUpdate();
        em.createQuery("update DsrTransition t set t.note = null where t.requestId in (select r.id from DsrRequest r"
                + " where r.subjectId = :s)").setParameter("s", subjectId).executeUpdate();
        return em.createQuery("update DsrRequest r set r.subject = r.subjectId, r.reason = null where r.subjectId = :s")
                .setParameter("s", subjectId).executeUpdate();
    }

    private DsrRequest locked(String id) {
        DsrRequest r = id == null ? null : em.find(DsrRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            throw new Refusal(404, "not_found", "No data-subject request with this id");
        }
        return r;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
