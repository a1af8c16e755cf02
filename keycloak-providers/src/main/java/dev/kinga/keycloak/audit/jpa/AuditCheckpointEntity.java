package dev.kinga.keycloak.audit.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Written when retention prunes a realm's records up to {@code seq}: the hash of that last
 * pruned record, signed with the realm's signing key, so the remaining chain stays verifiable.
 */
@Entity
@Table(name = "KINGA_AUDIT_CHECKPOINT")
@NamedQueries({
        @NamedQuery(name = "kingaAuditLatestCheckpoint",
                query = "select c from AuditCheckpointEntity c where c.realmId = :realmId order by c.seq desc")
})
public class AuditCheckpointEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SEQ", nullable = false)
    private long seq;

    @Column(name = "HASH", length = 64, nullable = false)
    private String hash;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "KEY_ID", length = 255, nullable = false)
    private String keyId;

    @Column(name = "ALGORITHM", length = 16, nullable = false)
    private String algorithm;

    @Column(name = "SIGNATURE", columnDefinition = "TEXT", nullable = false)
    private String signature;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public long getSeq() { return seq; }
    public void setSeq(long seq) { this.seq = seq; }
    public String getHash() { return hash; }
    public void setHash(String hash) { this.hash = hash; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public String getKeyId() { return keyId; }
    public void setKeyId(String keyId) { this.keyId = keyId; }
    public String getAlgorithm() { return algorithm; }
    public void setAlgorithm(String algorithm) { this.algorithm = algorithm; }
    public String getSignature() { return signature; }
    public void setSignature(String signature) { this.signature = signature; }
}
