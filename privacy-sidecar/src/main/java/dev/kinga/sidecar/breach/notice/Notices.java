package dev.kinga.sidecar.breach.notice;

import dev.kinga.sidecar.breach.BreachClock;
import dev.kinga.sidecar.breach.BreachIncident;
import dev.kinga.sidecar.breach.BreachRegister;
import dev.kinga.sidecar.breach.BreachStatus;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The people's notices of one incident: queued for the people named (each once), listed with
 * their delivery, and failed ones queued again. {@link NoticeSender} delivers them.
 */
@ApplicationScoped
public class Notices {

    @Inject
    EntityManager em;

    @Inject
    BreachRegister register;

    @Inject
    BreachClock clock;

    public record Queued(int queued, int alreadyQueued) {
    }

    /** Queues the notice for each person not yet queued; the notice's texts must all be there (Art. 34(2)). */
    @Transactional
    public Queued queue(String incidentId, List<String> userIds, boolean allowUnverified, JsonWebToken caller) {
        BreachIncident incident = register.locked(incidentId); // one queueing at a time per incident: each person once
        if (incident.status == BreachStatus.RESOLVED || incident.status == BreachStatus.NOT_NOTIFIABLE) {
            throw new Refusal(409, "illegal_transition", "The incident is " + incident.status.wire() + ": no notices are sent");
        }
        List<String> missing = register.missingForPersonNotice(incident);
        if (!missing.isEmpty()) {
            throw new Refusal(422, "missing_fields", "The person's notice needs " + String.join(", ", missing));
        }
        Set<String> known = new HashSet<>(em.createQuery("select n.userId from BreachNotice n where n.incidentId = :i", String.class)
                .setParameter("i", incidentId).getResultList());
        Instant now = clock.now();
        int queued = 0;
        for (String userId : userIds) {
            if (known.add(userId)) {
                BreachNotice notice = new BreachNotice();
                notice.id = UUID.randomUUID().toString();
                notice.incidentId = incidentId;
                notice.userId = userId;
                notice.status = NoticeStatus.PENDING;
                notice.nextAttemptAt = now;
                notice.queuedAt = now;
                notice.queuedBy = caller.getSubject();
                notice.allowUnverified = allowUnverified;
                em.persist(notice);
                queued++;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("queued", queued);
        details.put("alreadyQueued", userIds.size() - queued);
        details.put("allowUnverifiedAddresses", allowUnverified);
        register.record(incident, "notices_queued", details, caller);
        return new Queued(queued, userIds.size() - queued);
    }

    /** Failed notices go out again (their attempts start over). */
    @Transactional
    public int retryFailed(String incidentId, JsonWebToken caller) {
        BreachIncident incident = register.locked(incidentId);
        if (incident.status == BreachStatus.RESOLVED) {
            throw new Refusal(409, "incident_resolved", "A resolved incident is not changed; its history is final");
        }
        int again = em.createQuery("update BreachNotice n set n.status = :pending, n.attempts = 0, n.nextAttemptAt = :now,"
                        + " n.leaseUntil = null where n.incidentId = :i and n.status = :failed")
                .setParameter("pending", NoticeStatus.PENDING).setParameter("now", clock.now())
                .setParameter("i", incidentId).setParameter("failed", NoticeStatus.FAILED).executeUpdate();
        register.record(incident, "notices_retried", Map.of("notices", again), caller);
        return again;
    }

    @Transactional
    public List<BreachNotice> of(String incidentId) {
        register.get(incidentId);
        return em.createQuery("select n from BreachNotice n where n.incidentId = :i order by n.queuedAt, n.userId", BreachNotice.class)
                .setParameter("i", incidentId).getResultList();
    }

    /** Notices sent to the person (for their export): incident reference, title, when. */
    @Transactional
    public List<Object[]> sentTo(String userId) {
        return em.createQuery("select i.reference, i.title, n.status, n.sentAt, n.locale from BreachNotice n, BreachIncident i"
                + " where n.incidentId = i.id and n.userId = :u order by n.queuedAt", Object[].class).setParameter("u", userId).getResultList();
    }
}
