package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * Erases what the audit trail holds about one person, in the caller's transaction, and keeps
 * every record: the personal part of each record about or by the user (IP address, names,
 * e-mail, the user's representation) and its salt are deleted, the commitment the chain hashed
 * stays, so {@code verify} still answers valid. Deliveries still waiting in the outbox are
 * rewritten from the erased record, so no sink receives the erased part later.
 * <p>
 * Records written before format 2 hash the personal fields themselves: they cannot be erased
 * without breaking the chain, are counted as {@code legacyRecordsKept}, and leave with retention
 * pruning.
 */
public final class AuditErasure {

    public record Result(long personalPartsErased, long legacyRecordsKept, long pendingDeliveriesRewritten) {
    }

    private AuditErasure() {
    }

    public static Result erase(KeycloakSession session, RealmModel realm, String userId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.flush();
        long legacy = em.createNamedQuery("kingaAuditCountLegacyAboutUser", Long.class)
                .setParameter("realmId", realm.getId())
                .setParameter("user", userId)
                .getSingleResult();
        int erased = em.createNamedQuery("kingaAuditErasePersonal")
                .setParameter("realmId", realm.getId())
                .setParameter("user", userId)
                .executeUpdate();
        List<AuditOutboxEntity> pending = em.createQuery("select o from AuditOutboxEntity o where o.recordId in"
                        + " (select r.id from AuditRecordEntity r where r.realmId = :realmId"
                        + " and (r.subject = :user or r.actorUserId = :user))", AuditOutboxEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("user", userId)
                .getResultList();
        for (AuditOutboxEntity delivery : pending) {
            AuditRecordEntity record = em.find(AuditRecordEntity.class, delivery.getRecordId());
            if (record != null) {
                em.refresh(record); // the bulk update bypassed this persistence context
                delivery.setPayload(AuditRecordJson.of(record, realm.getName()).toString());
            }
        }
        return new Result(erased, legacy, pending.size());
    }
}
