package dev.kinga.sidecar.breach.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.sidecar.security.BadRequestException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Takes Keycloak's audit records as its forwarder delivers them, one or a batch per request: each
 * record once (its id is the idempotency key), a realm's records in order under a lock on the realm's row, with what
 * does not line up counted (gaps, records older than one taken, a broken chain link). Security
 * alerts among them become {@link SecurityAlert}s for triage; everything else is only counted.
 */
@ApplicationScoped
public class AuditIntake {

    static final String ALERT_TYPE = "SECURITY_ALERT";
    static final String ANCHOR_TYPE = "AUDIT_ANCHOR";
    private static final Logger LOG = Logger.getLogger(AuditIntake.class);
    private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}._:-]{1,64}");
    /** The end of 9999: a record time beyond it is not one Keycloak wrote, nor a time anyone asks about. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kinga.audit-intake.keep", defaultValue = "P30D")
    Duration keep;

    @ConfigProperty(name = "kinga.audit-intake.signing-key")
    Optional<String> signingKey;

    /** The key Keycloak signs with, as Keycloak reads it (stripped), or null when none is set. */
    public String key() {
        return signingKey.map(String::strip).filter(k -> !k.isEmpty()).orElse(null);
    }

    /** A key both sides must hold is refused at start when it is too short, as Keycloak refuses it. */
    void checkKey(@Observes StartupEvent start) {
        String key = key();
        if (key != null && key.length() < 32) {
            throw new IllegalStateException("kinga.audit-intake.signing-key must be at least 32 characters");
        }
    }

    public record Taken(String recordId, boolean duplicate, String alertId) {
    }

    /** A Keycloak audit record, checked for the fields the intake relies on. */
    record Incoming(String id, String realmId, String realmName, long seq, long time, String type, String severity,
                    String prevHash, String hash, JsonNode record) {

        /** An audit anchor: Keycloak's MAC over the chain up to the record before it. */
        boolean anchor() {
            return ANCHOR_TYPE.equals(type) || record.path("details").has("anchoredSeq");
        }

        static Incoming of(JsonNode r) {
            String id = r.path("id").asText("");
            if (!RECORD_ID.matcher(id).matches()) {
                throw new BadRequestException("id must be the record's id (letters, digits and '-', at most 64)");
            }
            String realmId = r.path("realmId").asText("");
            if (realmId.isEmpty() || realmId.length() > 255) {
                throw new BadRequestException("realmId is required (at most 255 characters)");
            }
            if (!r.path("seq").canConvertToLong() || r.path("seq").asLong() < 1) {
                throw new BadRequestException("seq must be a whole number from 1");
            }
            if (!r.path("time").canConvertToLong() || r.path("time").asLong() < 0 || r.path("time").asLong() > LATEST.toEpochMilli()) {
                throw new BadRequestException("time must be milliseconds since the epoch");
            }
            String type = r.path("type").asText("");
            if (!NAME.matcher(type).matches()) {
                throw new BadRequestException("type is required (at most 64 characters)");
            }
            String realmName = r.path("realm").isTextual() ? truncate(r.path("realm").asText(), 255) : null;
            return new Incoming(id, realmId, realmName, r.path("seq").asLong(), r.path("time").asLong(), type,
                    truncate(r.path("severity").asText("INFO"), 16), text(r, "prevHash"), text(r, "hash"), r);
        }
    }

    /**
     * Takes a batch of one realm's records in one transaction, in the order given (the forwarder
     * sends them in sequence order): the realm's row is locked first, as for a single record, so a
     * batch delivered twice at once waits and then finds its records taken; the records taken
     * before are found in one query; the batch commits or rolls back whole. A single delivery is a
     * batch of one. A record taken before is answered as a duplicate and changes nothing but a count.
     */
    @Transactional
    public List<Taken> takeAll(List<Incoming> batch) {
        Instant now = Instant.now();
        IntakeRealm realm = lockRealm(batch.get(0), now);
        Set<String> known = new HashSet<>(em.createQuery("select r.recordId from IntakeRecord r where r.recordId in :ids", String.class)
                .setParameter("ids", batch.stream().map(Incoming::id).distinct().toList()).getResultList());
        List<Taken> taken = new ArrayList<>(batch.size());
        for (Incoming in : batch) {
            if (!in.realmId().equals(realm.realmId)) {
                throw new IllegalArgumentException("a batch holds the records of one realm"); // the resource checks first
            }
            taken.add(takeOne(realm, in, !known.add(in.id()), now));
        }
        em.flush(); // a conflict surfaces here, as a PersistenceException the resource answers with 503
        return taken;
    }

    /** @param before whether the record was taken before (or earlier in this batch) */
    private Taken takeOne(IntakeRealm realm, Incoming in, boolean before, Instant now) {
        if (before) {
            realm.duplicates++;
            return new Taken(in.id(), true, null);
        }
        if (realm.records > 0) {
            if (in.seq() <= realm.lastSeq) {
                realm.outOfOrder++;
                LOG.warnf("audit intake: realm %s record %d arrived after %d", realm.realmId, in.seq(), realm.lastSeq);
            } else if (in.seq() > realm.lastSeq + 1) {
                realm.gaps++;
            } else if (realm.lastHash != null && in.prevHash() != null && !realm.lastHash.equals(in.prevHash())) {
                chainBreak(realm, in.seq());
            }
            linkToNeighbours(realm, in);
            holes(realm, in, now);
        }
        if (in.seq() > realm.lastSeq) {
            realm.lastSeq = in.seq();
            realm.lastHash = in.hash();
        }
        if (in.anchor() && (realm.lastAnchorSeq == null || in.seq() > realm.lastAnchorSeq)) {
            realm.lastAnchorSeq = in.seq();
            realm.lastAnchorHash = in.hash();
        }
        realm.records++;
        realm.lastAt = now;
        if (in.realmName() != null) {
            realm.realmName = in.realmName();
        }
        IntakeRecord taken = new IntakeRecord();
        taken.recordId = in.id();
        taken.realmId = in.realmId();
        taken.seq = in.seq();
        taken.type = in.type();
        taken.receivedAt = now;
        taken.hash = in.hash();
        taken.prevHash = in.prevHash();
        em.persist(taken);
        String alertId = null;
        if (ALERT_TYPE.equals(in.type())) {
            // the record id was forgotten (older than kinga.audit-intake.keep) but its alert is still here
            List<String> known = em.createQuery("select a.id from SecurityAlert a where a.recordId = :r", String.class)
                    .setParameter("r", in.id()).getResultList();
            alertId = known.isEmpty() ? raise(in, now).id : known.get(0);
        }
        return new Taken(in.id(), false, alertId);
    }

    private void chainBreak(IntakeRealm realm, long seq) {
        realm.chainBreaks++;
        if (realm.firstBreakSeq == null || seq < realm.firstBreakSeq) {
            realm.firstBreakSeq = seq;
        }
        LOG.warnf("audit intake: realm %s record %d does not continue the chain received so far", realm.realmId, seq);
    }

    /** A record that arrives out of order is checked against the records on either side, when they are here. */
    private void linkToNeighbours(IntakeRealm realm, Incoming in) {
        if (in.seq() == realm.lastSeq + 1) {
            return; // checked against lastHash above
        }
        IntakeRecord before = at(realm.realmId, in.seq() - 1);
        if (before != null && before.hash != null && in.prevHash() != null && !before.hash.equals(in.prevHash())) {
            chainBreak(realm, in.seq());
        }
        IntakeRecord after = at(realm.realmId, in.seq() + 1);
        if (after != null && after.prevHash != null && in.hash() != null && !after.prevHash.equals(in.hash())) {
            chainBreak(realm, in.seq() + 1);
        }
    }

    /** Keeps the lowest sequence number not received: opened by a gap, moved on when it is filled. */
    private void holes(IntakeRealm realm, Incoming in, Instant now) {
        if (in.seq() > realm.lastSeq + 1 && realm.firstHoleSeq == null) {
            realm.firstHoleSeq = realm.lastSeq + 1;
            realm.holeSince = now;
        } else if (realm.firstHoleSeq != null && in.seq() == realm.firstHoleSeq) {
            long next = in.seq() + 1;
            for (Long seq : em.createQuery("select r.seq from IntakeRecord r where r.realmId = :realm and r.seq > :from"
                            + " and r.seq <= :to order by r.seq", Long.class)
                    .setParameter("realm", realm.realmId).setParameter("from", in.seq()).setParameter("to", realm.lastSeq)
                    .getResultList()) {
                if (seq < next) {
                    continue; // two records under one number: the chain checks above tell
                }
                if (seq != next) {
                    break;
                }
                next++;
            }
            realm.firstHoleSeq = next > realm.lastSeq ? null : next;
            realm.holeSince = realm.firstHoleSeq == null ? null : now;
        }
    }

    private IntakeRecord at(String realmId, long seq) {
        List<IntakeRecord> found = em.createQuery("select r from IntakeRecord r where r.realmId = :realm and r.seq = :seq", IntakeRecord.class)
                .setParameter("realm", realmId).setParameter("seq", seq).setMaxResults(1).getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    private IntakeRealm lockRealm(Incoming in, Instant now) {
        IntakeRealm realm = em.find(IntakeRealm.class, in.realmId(), LockModeType.PESSIMISTIC_WRITE);
        if (realm == null) {
            // A realm's first record. The forwarder delivers a realm's records one at a time, so two
            // first records do not race; if they did, one fails on the key and is delivered again.
            realm = new IntakeRealm();
            realm.realmId = in.realmId();
            realm.firstAt = now;
            realm.lastAt = now;
            em.persist(realm);
            em.flush();
            em.lock(realm, LockModeType.PESSIMISTIC_WRITE);
        }
        return realm;
    }

    private SecurityAlert raise(Incoming in, Instant now) {
        JsonNode r = in.record();
        JsonNode details = r.path("details");
        SecurityAlert alert = new SecurityAlert();
        alert.id = UUID.randomUUID().toString();
        alert.recordId = in.id();
        alert.realmId = in.realmId();
        alert.realmName = in.realmName();
        alert.seq = in.seq();
        alert.raisedAt = Instant.ofEpochMilli(in.time());
        alert.receivedAt = now;
        alert.rule = truncate(details.path("rule").asText("unknown"), 64);
        alert.severity = in.severity();
        alert.summary = truncate(details.path("summary").asText(null), 500);
        alert.subjectId = text(r, "subject");
        alert.actorUserId = text(r.path("actor"), "userId");
        alert.actorClientId = text(r.path("actor"), "clientId");
        alert.actorIp = truncate(text(r.path("actor"), "ip"), 64);
        alert.details = details.isObject() ? truncate(details.toString(), 20_000) : null;
        alert.state = AlertState.OPEN;
        em.persist(alert);
        return alert;
    }

    /** What was received per realm, for {@code GET /api/v1/audit/intake}. */
    @Transactional
    public List<IntakeRealm> realms() {
        return em.createQuery("select r from IntakeRealm r order by r.realmId", IntakeRealm.class).getResultList();
    }

    /** What was received of one realm, or null when nothing was. */
    @Transactional
    public IntakeRealm realm(String realmId) {
        return em.find(IntakeRealm.class, realmId);
    }

    /** Forgets record ids older than {@code kinga.audit-intake.keep}; the forwarder retries far sooner than that. */
    @Scheduled(every = "1h", delayed = "5m")
    @Transactional
    void prune() {
        int pruned = em.createQuery("delete from IntakeRecord r where r.receivedAt < :before")
                .setParameter("before", Instant.now().minus(keep)).executeUpdate();
        if (pruned > 0) {
            LOG.infof("audit intake: forgot %d record ids older than %s", pruned, keep);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? truncate(value.asText(), 255) : null;
    }

    /** At most {@code max} characters, without control characters (PostgreSQL refuses NUL in text). */
    private static String truncate(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
