package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Erases what the audit trail holds about one person, in the caller's transaction, and keeps
 * every record: the personal part of each record about the person (under their user id or the
 * pseudonym of a name they typed) or by them about no one else, and its salt, are deleted; the commitment the chain hashed
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

    /**
     * The subjects under which the trail keeps records of this person: their user id, and the
     * pseudonyms of names they may have typed at a login page before the account knew them (their
     * username, their e-mail), under the realm's active key.
     */
    public static List<String> subjects(KeycloakSession session, RealmModel realm, String userId, String... typedNames) {
        List<String> subjects = new ArrayList<>();
        subjects.add(userId);
        for (String name : typedNames) {
            String pseudonym = name == null ? null : AuditEventListenerProvider.pseudonym(session, realm, name);
            if (pseudonym != null && !"unknown".equals(pseudonym)) {
                subjects.add(pseudonym);
            }
        }
        return subjects;
    }

    public static Result erase(KeycloakSession session, RealmModel realm, String userId, List<String> subjects) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        byte[] signingKey = AuditConfig.of(session.getKeycloakSessionFactory()).sinkSigningKey();
        em.flush();
        long legacy = em.createNamedQuery("kingaAuditCountLegacyAbout", Long.class)
                .setParameter("realmId", realm.getId()).setParameter("subjects", subjects).getSingleResult()
                + em.createNamedQuery("kingaAuditCountLegacyBy", Long.class)
                .setParameter("realmId", realm.getId()).setParameter("user", userId).getSingleResult();
        int erased = em.createNamedQuery("kingaAuditErasePersonalAbout")
                .setParameter("realmId", realm.getId()).setParameter("subjects", subjects).executeUpdate()
                + em.createNamedQuery("kingaAuditErasePersonalBy")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        // Deliveries still waiting, read after the update: the update waits for a sequencer batch that holds
        // the person's queued records, so the deliveries that batch queued are found here too. Rewritten by id,
        // so one the forwarder sends and deletes meanwhile is simply not there any more.
        List<Object[]> pending = new ArrayList<>(em.createNamedQuery("kingaOutboxOfRecordsAbout", Object[].class)
                .setParameter("realmId", realm.getId()).setParameter("subjects", subjects).getResultList());
        pending.addAll(em.createNamedQuery("kingaOutboxOfRecordsBy", Object[].class)
                .setParameter("realmId", realm.getId()).setParameter("user", userId).getResultList());
        int rewritten = 0;
        for (Object[] delivery : pending) {
            AuditRecordEntity record = em.find(AuditRecordEntity.class, delivery[1]);
            if (record != null) {
                em.refresh(record); // the bulk update bypassed this persistence context
                AuditOutboxEntity row = em.find(AuditOutboxEntity.class, delivery[0]);
                if (row == null || signingKey != null && !OutboxSeal.holds(signingKey, row)) {
                    continue; // sent meanwhile, or not Keycloak's (written into the database): never sealed anew
                }
                em.detach(row); // rewritten by id below: a row the forwarder deletes meanwhile is simply not there any more
                row.setPayload(AuditRecordJson.of(record, realm.getName()).toString());
                rewritten += em.createQuery("update AuditOutboxEntity o set o.payload = :payload, o.payloadMac = :mac where o.id = :id")
                        .setParameter("payload", row.getPayload())
                        .setParameter("mac", signingKey == null ? null : OutboxSeal.of(signingKey, row))
                        .setParameter("id", row.getId())
                        .executeUpdate();
            }
        }
        return new Result(erased, legacy, rewritten);
    }
}
