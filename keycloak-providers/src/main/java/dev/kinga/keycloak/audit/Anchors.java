package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditCheckpointEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * Anchors the chain outside the database. An {@code AUDIT_ANCHOR} record states "the head was
 * hash H at seq N" with an HMAC under an anchor key from Keycloak's configuration (not a realm
 * key an admin can rotate); an {@code AUDIT_PRUNED} record states the same of the checkpoint it
 * left. Both are records of the chain, so they are forwarded to the sinks like every record:
 * someone who edits a row and recomputes every later hash cannot recompute the MACs, and
 * {@link ChainVerifier} reports the first anchor that no longer matches.
 */
final class Anchors {

    static final String ANCHOR = "AUDIT_ANCHOR";
    static final String PRUNED = "AUDIT_PRUNED";
    static final String ANCHOR_PURPOSE = "anchor";
    static final String CHECKPOINT_PURPOSE = "checkpoint";

    private Anchors() {
    }

    /**
     * Appends an anchor of the realm's current head; nothing when anchor keys are not configured,
     * the chain is empty, or its head is already an anchor.
     * @return the anchored sequence number, or null
     */
    static Long anchor(KeycloakSession session, AuditConfig config, RealmModel realm, String actorUserId, String actorClientId) {
        if (!config.anchorKeys().configured()) {
            return null;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        AuditChainHeadEntity head = em.find(AuditChainHeadEntity.class, realm.getId(), LockModeType.PESSIMISTIC_WRITE);
        if (head == null || head.getLastSeq() == 0) {
            return null;
        }
        List<AuditRecordEntity> last = em.createNamedQuery("kingaAuditRange", AuditRecordEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("fromSeq", head.getLastSeq())
                .setParameter("toSeq", head.getLastSeq()).getResultList();
        if (!last.isEmpty() && ANCHOR.equals(last.get(0).getType())) {
            return null;
        }
        long seq = head.getLastSeq();
        ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
        details.put("anchoredSeq", seq);
        details.put("anchoredHash", head.getLastHash());
        details.put("anchorKeyId", config.anchorKeys().activeKeyId());
        details.put("anchorMac", config.anchorKeys().mac(ANCHOR_PURPOSE, realm.getId(), seq, head.getLastHash()));
        new AuditTrail(session).append(realm.getId(), new AuditEntry(System.currentTimeMillis(),
                ANCHOR, Severity.INFO, "SUCCESS", actorUserId, actorClientId, null, null, "kinga-audit/anchor", details));
        return seq;
    }

    /**
     * Prunes records older than {@code before} behind a checkpoint and records that it did, with
     * the checkpoint's anchor. Never prunes records younger than the retention floor.
     * @throws IllegalArgumentException if {@code before} reaches into the floor
     */
    static long prune(KeycloakSession session, AuditConfig config, RealmModel realm, long before, String actorUserId,
                      String actorClientId) {
        long floor = System.currentTimeMillis() - config.retentionFloorDays() * 86_400_000L;
        if (before > floor) {
            throw new IllegalArgumentException("records younger than " + config.retentionFloorDays()
                    + " days (the retention floor set by the server's configuration) cannot be pruned");
        }
        long pruned = Checkpoints.prune(session, realm, before);
        if (pruned == 0) {
            return 0;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        AuditCheckpointEntity checkpoint = Checkpoints.latest(em, realm.getId());
        ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
        details.put("pruned", pruned);
        details.put("before", before);
        if (config.anchorKeys().configured()) {
            details.put("checkpointSeq", checkpoint.getSeq());
            details.put("checkpointHash", checkpoint.getHash());
            details.put("anchorKeyId", config.anchorKeys().activeKeyId());
            details.put("anchorMac", config.anchorKeys().mac(CHECKPOINT_PURPOSE, realm.getId(), checkpoint.getSeq(), checkpoint.getHash()));
        }
        new AuditTrail(session).append(realm.getId(), new AuditEntry(System.currentTimeMillis(),
                PRUNED, Severity.WARNING, "SUCCESS", actorUserId, actorClientId, null, null, "kinga-audit/prune", details));
        return pruned;
    }
}
