package dev.kinga.sidecar.consent;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The consent ledger: versioned purposes, and grants and withdrawals that are only ever added.
 * A person's state for a purpose is their latest record for it; a grant is to one version of the
 * text, so "who consented to version 3 or later" is answerable. Every change is in the sidecar's
 * hash-chained trail.
 */
@ApplicationScoped
public class ConsentLedger {

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;


    /** The current state of one purpose for one person. */
    public record State(String purpose, boolean granted, int version, Instant at, String source) {
    }

    /**
     * Publishes a version of a purpose's text. Versions only go up; publishing the current version
     * again with the same text changes nothing (a retried call), with another text is refused.
     * @return true when a version was added
     */
    @Transactional
    public boolean publish(String key, int version, String text, JsonWebToken caller) {
        ConsentPurpose latest = latest(key, true);
        if (latest != null && version <= latest.version) {
            if (version == latest.version && latest.text.equals(text)) {
                return false;
            }
            throw new Refusal(409, "version_exists", "Version " + version + " of this purpose exists; publish a version above "
                    + latest.version + " (a text people consented to is never changed)");
        }
        ConsentPurpose purpose = new ConsentPurpose();
        purpose.key = key;
        purpose.version = version;
        purpose.text = text;
        purpose.createdAt = now();
        purpose.createdBy = caller.getSubject();
        em.persist(purpose);
        try {
            em.flush();
        } catch (jakarta.persistence.PersistenceException raced) {
            throw new Refusal(409, "version_exists", "Version " + version + " of this purpose was published at the same moment");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("purpose", key);
        details.put("version", version);
        trail.append("CONSENT_PURPOSE_PUBLISHED", caller, details);
        return true;
    }

    /** Every version of a purpose, newest first; refused when there is none. */
    public List<ConsentPurpose> versions(String key) {
        List<ConsentPurpose> versions = em.createQuery("select p from ConsentPurpose p where p.key = :key order by p.version desc",
                ConsentPurpose.class).setParameter("key", key).getResultList();
        if (versions.isEmpty()) {
            throw new Refusal(404, "unknown_purpose", "No purpose with this key");
        }
        return versions;
    }

    /** The latest version of every purpose. */
    public List<ConsentPurpose> purposes() {
        return em.createQuery("select p from ConsentPurpose p where p.version = (select max(q.version) from ConsentPurpose q"
                + " where q.key = p.key) order by p.key", ConsentPurpose.class).getResultList();
    }

    /** Records a grant or withdrawal; {@code version} null means the current version. */
    @Transactional
    public ConsentRecord record(String subjectId, String key, Integer version, boolean granted, String source, JsonWebToken caller) {
        ConsentPurpose latest = latest(key, false);
        if (latest == null) {
            throw new Refusal(404, "unknown_purpose", "No purpose with this key");
        }
        int v = version == null ? latest.version : version;
        if (em.find(ConsentPurpose.class, new ConsentPurpose.Key(key, v)) == null) {
            throw new Refusal(404, "unknown_version", "This purpose has no version " + v);
        }
        ConsentRecord r = new ConsentRecord();
        r.id = UUID.randomUUID().toString();
        r.subjectId = subjectId;
        r.purposeKey = key;
        r.purposeVersion = v;
        r.granted = granted;
        r.at = after(subjectId, key);
        r.actor = caller.getSubject();
        r.source = source;
        em.persist(r);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("record", r.id);
        details.put("subjectId", subjectId);
        details.put("purpose", key);
        details.put("version", v);
        details.put("source", source);
        trail.append(granted ? "CONSENT_GRANTED" : "CONSENT_WITHDRAWN", caller, details);
        return r;
    }

    /** A person's records, oldest first. */
    public List<ConsentRecord> history(String subjectId) {
        return em.createQuery("select r from ConsentRecord r where r.subjectId = :subject order by r.at, r.id", ConsentRecord.class)
                .setParameter("subject", subjectId).getResultList();
    }

    /** A person's current state per purpose: their latest record for each. */
    public List<State> current(String subjectId) {
        Map<String, State> states = new LinkedHashMap<>();
        for (ConsentRecord r : history(subjectId)) {
            states.put(r.purposeKey, new State(r.purposeKey, r.granted, r.purposeVersion, r.at, r.source));
        }
        return states.values().stream().sorted(java.util.Comparator.comparing(State::purpose)).toList();
    }

    /** The people whose latest record for the purpose is a grant of version {@code minVersion} or later. */
    public List<String> consenting(String key, int minVersion, int limit) {
        versions(key);
        return em.createQuery("select distinct r.subjectId from ConsentRecord r where r.purposeKey = :key and r.granted = true"
                        + " and r.purposeVersion >= :min and r.at = (select max(s.at) from ConsentRecord s"
                        + " where s.subjectId = r.subjectId and s.purposeKey = :key) order by r.subjectId", String.class)
                .setParameter("key", key).setParameter("min", minVersion).setMaxResults(limit).getResultList();
    }

    /** Erasure: the person's consent records go with them. @return how many */
    @Transactional
    public int erase(String subjectId) {
        return em.createQuery("delete from ConsentRecord r where r.subjectId = :subject")
                .setParameter("subject", subjectId).executeUpdate();
    }

    /** Now, or just after the person's latest record for the purpose: "latest" is never a tie. */
    private Instant after(String subjectId, String key) {
        Instant now = now();
        Instant last = em.createQuery("select max(r.at) from ConsentRecord r where r.subjectId = :subject and r.purposeKey = :key",
                Instant.class).setParameter("subject", subjectId).setParameter("key", key).getSingleResult();
        return last != null && !now.isAfter(last) ? last.plus(1, ChronoUnit.MICROS) : now;
    }

    private ConsentPurpose latest(String key, boolean lock) {
        List<ConsentPurpose> versions = em.createQuery("select p from ConsentPurpose p where p.key = :key order by p.version desc",
                        ConsentPurpose.class).setParameter("key", key).setMaxResults(1)
                .setLockMode(lock ? LockModeType.PESSIMISTIC_WRITE : LockModeType.NONE).getResultList();
        return versions.isEmpty() ? null : versions.get(0);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
