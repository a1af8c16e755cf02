package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.UUID;

/**
 * Appends records to a realm's chain inside the caller's transaction, and queues them for each
 * configured sink in the same transaction (the outbox), so a record and its deliveries commit
 * or roll back together.
 */
public final class AuditTrail {

    private final EntityManager em;
    private final AuditConfig config;

    public AuditTrail(KeycloakSession session, AuditConfig config) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.config = config;
    }

    public AuditRecordEntity append(String realmId, String realmName, AuditEntry entry) {
        AuditChainHeadEntity head = lockHead(realmId);
        long seq = head.getLastSeq() + 1;
        PersonalPart.Split split = PersonalPart.split(entry);
        String details = AuditEntry.json(split.publicDetails());
        String personal = AuditEntry.json(split.personal());
        String salt = personal == null ? null : PersonalPart.newSalt();
        String commit = personal == null ? null : PersonalPart.commit(salt, personal);
        String canonical = AuditEntry.canonical(realmId, seq, entry.time(), entry.type(), entry.severity().name(),
                entry.outcome(), entry.actorUserId(), entry.actorClientId(), entry.actorIp(), entry.subject(),
                entry.resource(), details, PersonalPart.FORMAT, commit);
        String hash = AuditEntry.hash(head.getLastHash(), canonical);

        AuditRecordEntity record = new AuditRecordEntity();
        record.setId(UUID.randomUUID().toString());
        record.setRealmId(realmId);
        record.setSeq(seq);
        record.setTime(entry.time());
        record.setType(entry.type());
        record.setSeverity(entry.severity().name());
        record.setOutcome(entry.outcome());
        record.setActorUserId(entry.actorUserId());
        record.setActorClientId(entry.actorClientId());
        record.setActorIp(entry.actorIp());
        record.setSubject(entry.subject());
        record.setResource(entry.resource());
        record.setDetails(details);
        record.setFormat(PersonalPart.FORMAT);
        record.setPersonal(personal);
        record.setPersonalSalt(salt);
        record.setPersonalCommit(commit);
        record.setPrevHash(head.getLastHash());
        record.setHash(hash);
        em.persist(record);

        head.setLastSeq(seq);
        head.setLastHash(hash);

        if (!config.sinks().isEmpty()) {
            String payload = AuditRecordJson.of(record, realmName, entry.details()).toString();
            for (String sink : config.sinks()) {
                AuditOutboxEntity out = new AuditOutboxEntity();
                out.setId(UUID.randomUUID().toString());
                out.setRecordId(record.getId());
                out.setRealmId(realmId);
                out.setSeq(seq);
                out.setSink(sink);
                out.setPayload(payload);
                out.setCreatedAt(System.currentTimeMillis());
                out.setAttempts(0);
                out.setNextAttemptAt(0);
                if (config.sinkSigningKey() != null) {
                    out.setPayloadMac(OutboxSeal.of(config.sinkSigningKey(), out));
                }
                em.persist(out);
            }
        }
        return record;
    }

    /**
     * The head row, locked for this transaction. A realm's first record creates it; if two
     * transactions race to create it, one fails on the primary key and its event is retried by
     * nothing: so heads are also created ahead of time, when realms are created and at startup.
     */
    private AuditChainHeadEntity lockHead(String realmId) {
        AuditChainHeadEntity head = em.find(AuditChainHeadEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            head = newHead(realmId);
            em.persist(head);
            em.flush();
            em.lock(head, LockModeType.PESSIMISTIC_WRITE);
        }
        return head;
    }

    /** Creates the realm's head row if it has none yet (outside any hot path). */
    public static void ensureHead(KeycloakSession session, String realmId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        if (em.find(AuditChainHeadEntity.class, realmId) == null) {
            em.persist(newHead(realmId));
        }
    }

    /** An empty chain: nothing appended yet, so the next record follows the genesis hash. */
    private static AuditChainHeadEntity newHead(String realmId) {
        AuditChainHeadEntity head = new AuditChainHeadEntity();
        head.setRealmId(realmId);
        head.setLastSeq(0);
        head.setLastHash(AuditEntry.GENESIS_HASH);
        return head;
    }
}
