package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditCheckpointEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
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

    /** The detail a queued anchor carries until the sequencer gives it its statement. */
    static final String PENDING = "anchorPending";

    /**
     * Queues an anchor; the sequencer states, when it links it, the hash of the record just before
     * it (whatever was queued ahead of it). Nothing when anchor keys are not configured, the chain
     * and its queue are empty, or the head is already an anchor and nothing is queued.
     * @return the queued anchor's record id, or null
     */
    static String anchor(KeycloakSession session, AuditConfig config, RealmModel realm, String actorUserId, String actorClientId) {
        if (!config.anchorKeys().configured()) {
            return null;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        AuditChainHeadEntity head = em.find(AuditChainHeadEntity.class, realm.getId());
        long queued = ((Number) em.createNamedQuery("kingaAuditQueuedCount", Object[].class)
                .setParameter("realmId", realm.getId()).getSingleResult()[0]).longValue();
        if (queued == 0) {
            if (head == null || head.getLastSeq() == 0) {
                return null;
            }
            List<AuditRecordEntity> last = em.createNamedQuery("kingaAuditRange", AuditRecordEntity.class)
                    .setParameter("realmId", realm.getId()).setParameter("fromSeq", head.getLastSeq())
                    .setParameter("toSeq", head.getLastSeq()).getResultList();
            if (!last.isEmpty() && ANCHOR.equals(last.get(0).getType())) {
                return null;
            }
        }
        ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
        details.put(PENDING, true);
        return new AuditTrail(session).append(realm.getId(), new AuditEntry(System.currentTimeMillis(),
                ANCHOR, Severity.INFO, "SUCCESS", actorUserId, actorClientId, null, null, "kinga-audit/anchor", details)).getId();
    }

    /** An anchor queued and not yet given its statement. */
    static boolean isPending(AuditRecordEntity r) {
        return ANCHOR.equals(r.getType()) && !r.isSequenced() && r.getDetails() != null && r.getDetails().contains("\"" + PENDING + "\"");
    }

    /** The statement of an anchor of the chain ending at {@code seq} with {@code hash}, MAC'd under the active anchor key. */
    static ChainLinker.AnchorStatement statement(AnchorKeys keys) {
        return new ChainLinker.AnchorStatement() {
            @Override
            public boolean pending(AuditRecordEntity r) {
                return isPending(r);
            }

            @Override
            public String details(String realmId, long seq, String hash) {
                ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
                details.put("anchoredSeq", seq);
                details.put("anchoredHash", hash);
                if (keys.configured()) { // keys removed while an anchor waited: it states the head, unsigned
                    details.put("anchorKeyId", keys.activeKeyId());
                    details.put("anchorMac", keys.mac(ANCHOR_PURPOSE, realmId, seq, hash));
                }
                return AuditEntry.json(details);
            }
        };
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
