package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.UUID;

/**
 * Queues records in the caller's transaction: a record commits or rolls back with the work it
 * describes, and touches no row another request needs (no chain head, no counter). The realm's
 * {@link AuditSequencer} later gives it its place in the chain and queues its deliveries.
 */
public final class AuditTrail {

    private final EntityManager em;

    public AuditTrail(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public AuditRecordEntity append(String realmId, AuditEntry entry) {
        PersonalPart.Split split = PersonalPart.split(entry);
        String personal = AuditEntry.json(split.personal());
        String salt = personal == null ? null : PersonalPart.newSalt();

        AuditRecordEntity record = new AuditRecordEntity();
        record.setId(UUID.randomUUID().toString());
        record.setRealmId(realmId);
        record.setTime(entry.time());
        record.setType(entry.type());
        record.setSeverity(entry.severity().name());
        record.setOutcome(entry.outcome());
        record.setActorUserId(entry.actorUserId());
        record.setActorClientId(entry.actorClientId());
        record.setActorIp(entry.actorIp());
        record.setSubject(entry.subject());
        record.setResource(entry.resource());
        record.setDetails(AuditEntry.json(split.publicDetails()));
        record.setFormat(PersonalPart.FORMAT);
        record.setPersonal(personal);
        record.setPersonalSalt(salt);
        record.setPersonalCommit(personal == null ? null : PersonalPart.commit(salt, personal));
        em.persist(record);
        return record;
    }

    /** Creates the realm's head row if it has none yet (outside any hot path). */
    public static void ensureHead(KeycloakSession session, String realmId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        if (em.find(AuditChainHeadEntity.class, realmId) == null) {
            em.persist(newHead(realmId));
        }
    }

    /** An empty chain: nothing linked yet, so the first record follows the genesis hash. */
    static AuditChainHeadEntity newHead(String realmId) {
        AuditChainHeadEntity head = new AuditChainHeadEntity();
        head.setRealmId(realmId);
        head.setLastSeq(0);
        head.setLastHash(AuditEntry.GENESIS_HASH);
        return head;
    }
}
