package dev.kinga.keycloak.apikey.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One API key of a client. Holds the public prefix and a keyed hash, never the secret.
 * Times are epoch seconds. Scopes and CIDRs are space-separated (role references and
 * CIDR blocks contain no spaces).
 */
@Entity
@Table(name = "KINGA_API_KEY")
@NamedQueries({
        @NamedQuery(name = "kingaApiKeyByPrefix",
                query = "select k from ApiKeyEntity k where k.prefix = :prefix"),
        @NamedQuery(name = "kingaApiKeysOfClient",
                query = "select k from ApiKeyEntity k where k.realmId = :realmId and k.clientId = :clientId"
                        + " order by k.createdAt desc, k.prefix"),
        @NamedQuery(name = "kingaApiKeysDeleteOfRealm",
                query = "delete from ApiKeyEntity k where k.realmId = :realmId"),
        @NamedQuery(name = "kingaApiKeysDeleteOfClient",
                query = "delete from ApiKeyEntity k where k.realmId = :realmId and k.clientId = :clientId")
})
public class ApiKeyEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "PREFIX", length = 32, nullable = false, unique = true)
    private String prefix;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The client's internal id (UUID). */
    @Column(name = "CLIENT_ID", length = 36, nullable = false)
    private String clientId;

    @Column(name = "SECRET_HASH", length = 64, nullable = false)
    private String secretHash;

    @Column(name = "NAME", length = 100, nullable = false)
    private String name;

    @Column(name = "SCOPES", length = 4000, nullable = false)
    private String scopes;

    @Column(name = "ALLOWED_CIDRS", length = 4000)
    private String allowedCidrs;

    @Column(name = "CREATED_BY", length = 255)
    private String createdBy;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    @Column(name = "LAST_USED_AT")
    private Long lastUsedAt;

    @Column(name = "REVOKED_AT")
    private Long revokedAt;

    @Column(name = "REVOKED_BY", length = 255)
    private String revokedBy;

    /** The prefix of the key this one replaced, when created by rotation. */
    @Column(name = "ROTATED_FROM", length = 32)
    private String rotatedFrom;

    /** The prefix of the key that replaced this one. */
    @Column(name = "REPLACED_BY", length = 32)
    private String replacedBy;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getSecretHash() { return secretHash; }
    public void setSecretHash(String secretHash) { this.secretHash = secretHash; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getScopes() { return scopes; }
    public void setScopes(String scopes) { this.scopes = scopes; }
    public String getAllowedCidrs() { return allowedCidrs; }
    public void setAllowedCidrs(String allowedCidrs) { this.allowedCidrs = allowedCidrs; }
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String createdBy) { this.createdBy = createdBy; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(long expiresAt) { this.expiresAt = expiresAt; }
    public Long getLastUsedAt() { return lastUsedAt; }
    public void setLastUsedAt(Long lastUsedAt) { this.lastUsedAt = lastUsedAt; }
    public Long getRevokedAt() { return revokedAt; }
    public void setRevokedAt(Long revokedAt) { this.revokedAt = revokedAt; }
    public String getRevokedBy() { return revokedBy; }
    public void setRevokedBy(String revokedBy) { this.revokedBy = revokedBy; }
    public String getRotatedFrom() { return rotatedFrom; }
    public void setRotatedFrom(String rotatedFrom) { this.rotatedFrom = rotatedFrom; }
    public String getReplacedBy() { return replacedBy; }
    public void setReplacedBy(String replacedBy) { this.replacedBy = replacedBy; }
}
