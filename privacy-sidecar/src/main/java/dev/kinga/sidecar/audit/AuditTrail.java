package dev.kinga.sidecar.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kinga.sidecar.security.SecurityTrail;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sidecar's append-only, hash-chained audit trail. Records are written in the transaction of
 * the action they describe (no record, no action), read by holders of {@code audit:read}, and
 * forwarded to the configured sinks by {@link TrailForwarder}.
 */
@ApplicationScoped
public class AuditTrail implements SecurityTrail {

    public static final String DETOKENIZE = "PII_DETOKENIZE";
    /** The actor of records the service writes on its own (background jobs). */
    public static final String SERVICE_ACTOR = "kinga-sidecar";
    /** A caller with the permission was refused (no recent MFA sign-in): recorded too. */
    public static final String DETOKENIZE_REFUSED = "PII_DETOKENIZE_REFUSED";

    @Inject
    EntityManager em;

    @Inject
    TrailChain chain;

    @Inject
    ObjectMapper json;

    /** Appends a record by the token's holder; the caller's transaction commits or drops it with the action. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TrailRecord append(String action, JsonWebToken caller, Map<String, Object> details) {
        return append(action, caller.getSubject(), caller.getClaim("preferred_username"), caller.getClaim("azp"), details);
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, JsonWebToken caller, Map<String, Object> details) {
        append(action, caller, details);
    }

    /** Appends a record by the service itself (a background job): actor {@value #SERVICE_ACTOR}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TrailRecord appendByService(String action, Map<String, Object> details) {
        return append(action, SERVICE_ACTOR, SERVICE_ACTOR, null, details);
    }

    private TrailRecord append(String action, String actor, String actorName, String clientId, Map<String, Object> details) {
        TrailHead head = em.find(TrailHead.class, 1, LockModeType.PESSIMISTIC_WRITE);
        TrailRecord r = new TrailRecord();
        r.seq = head.lastSeq + 1;
        r.id = UUID.randomUUID().toString();
        r.at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        r.action = action;
        r.actor = actor;
        r.actorName = actorName;
        r.clientId = clientId;
        try {
            r.details = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details are not serialisable", e);
        }
        r.prevHash = head.lastHash;
        r.hash = chain.link(r);
        em.persist(r);
        head.lastSeq = r.seq;
        head.lastHash = r.hash;
        head.mac = chain.head(head);
        return r;
    }

    /** At the first start the head gets its MAC (the migration cannot compute it). */
    @Transactional
    void sealNewHead(@Observes StartupEvent start) {
        TrailHead head = em.find(TrailHead.class, 1, LockModeType.PESSIMISTIC_WRITE);
        if (head.mac == null && head.lastSeq == 0) {
            head.mac = chain.head(head);
        }
    }

    @Transactional
    public List<TrailRecord> read(long fromSeq, int limit) {
        return em.createQuery("select r from TrailRecord r where r.seq >= :from order by r.seq", TrailRecord.class)
                .setParameter("from", fromSeq).setMaxResults(limit).getResultList();
    }

    /**
     * Walks the chain up to the head as it is now: every link recomputed, sequence numbers
     * gapless, the head's MAC valid and matching the last record. Records appended meanwhile are
     * left for the next run.
     */
    @Transactional
    public Verification verify() {
        TrailHead head = em.find(TrailHead.class, 1);
        long last = head.lastSeq;
        String lastHash = head.lastHash;
        boolean headValid = chain.head(head).equals(head.mac);
        String prev = TrailChain.GENESIS;
        long expected = 1;
        while (expected <= last) {
            List<TrailRecord> page = em.createQuery("select r from TrailRecord r where r.seq >= :from and r.seq <= :last order by r.seq",
                            TrailRecord.class)
                    .setParameter("from", expected).setParameter("last", last).setMaxResults(1000).getResultList();
            if (page.isEmpty()) {
                return new Verification(false, expected - 1, expected);
            }
            for (TrailRecord r : page) {
                if (r.seq != expected || !prev.equals(r.prevHash) || !chain.link(r).equals(r.hash)) {
                    return new Verification(false, expected - 1, expected);
                }
                prev = r.hash;
                expected++;
            }
            em.clear();
        }
        if (!headValid || !prev.equals(lastHash)) {
            return new Verification(false, last, last + 1);
        }
        return new Verification(true, last, null);
    }

    /** @param brokenAt the first sequence number that does not check out (or is missing), null when valid */
    public record Verification(boolean valid, long records, Long brokenAt) {
    }
}
