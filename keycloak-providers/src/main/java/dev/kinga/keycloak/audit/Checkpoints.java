package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditCheckpointEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.crypto.SignatureSignerContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Retention: prunes a realm's oldest records and leaves a checkpoint, signed with the realm's
 * active signing key, holding the hash of the last pruned record. The retained chain then
 * verifies from the checkpoint instead of from the genesis hash.
 */
final class Checkpoints {

    private Checkpoints() {
    }

    static AuditCheckpointEntity latest(EntityManager em, String realmId) {
        List<AuditCheckpointEntity> found = em.createNamedQuery("kingaAuditLatestCheckpoint", AuditCheckpointEntity.class)
                .setParameter("realmId", realmId).setMaxResults(1).getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    /** @return how many records were pruned (0 when nothing is older than {@code before}) */
    static long prune(KeycloakSession session, RealmModel realm, long before) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        Long lastSeq = em.createNamedQuery("kingaAuditLastSeqBefore", Long.class)
                .setParameter("realmId", realm.getId()).setParameter("before", before).getSingleResult();
        if (lastSeq == null) {
            return 0;
        }
        List<AuditRecordEntity> last = em.createNamedQuery("kingaAuditRange", AuditRecordEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("fromSeq", lastSeq).setParameter("toSeq", lastSeq)
                .getResultList();
        if (last.isEmpty()) {
            return 0;
        }
        AuditCheckpointEntity checkpoint = new AuditCheckpointEntity();
        checkpoint.setId(UUID.randomUUID().toString());
        checkpoint.setRealmId(realm.getId());
        checkpoint.setSeq(lastSeq);
        checkpoint.setHash(last.get(0).getHash());
        checkpoint.setCreatedAt(System.currentTimeMillis());
        sign(session, realm, checkpoint);
        em.persist(checkpoint);
        return em.createNamedQuery("kingaAuditDeleteUpTo")
                .setParameter("realmId", realm.getId()).setParameter("seq", lastSeq).executeUpdate();
    }

    static boolean verify(KeycloakSession session, RealmModel realm, AuditCheckpointEntity checkpoint) {
        try {
            RealmModel previous = session.getContext().getRealm();
            session.getContext().setRealm(realm);
            try {
                return session.getProvider(SignatureProvider.class, checkpoint.getAlgorithm())
                        .verifier(checkpoint.getKeyId())
                        .verify(signedBytes(realm, checkpoint), Base64.getDecoder().decode(checkpoint.getSignature()));
            } finally {
                session.getContext().setRealm(previous);
            }
        } catch (Exception e) {
            return false;
        }
    }

    private static void sign(KeycloakSession session, RealmModel realm, AuditCheckpointEntity checkpoint) {
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            String algorithm = realm.getDefaultSignatureAlgorithm() == null ? "RS256" : realm.getDefaultSignatureAlgorithm();
            SignatureSignerContext signer = session.getProvider(SignatureProvider.class, algorithm).signer();
            checkpoint.setAlgorithm(signer.getAlgorithm());
            checkpoint.setKeyId(signer.getKid());
            checkpoint.setSignature(Base64.getEncoder().encodeToString(signer.sign(signedBytes(realm, checkpoint))));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign the audit checkpoint of realm " + realm.getName(), e);
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    private static byte[] signedBytes(RealmModel realm, AuditCheckpointEntity c) {
        return ("kinga-audit-checkpoint\n" + realm.getId() + "\n" + c.getSeq() + "\n" + c.getHash() + "\n" + c.getCreatedAt())
                .getBytes(StandardCharsets.UTF_8);
    }
}
