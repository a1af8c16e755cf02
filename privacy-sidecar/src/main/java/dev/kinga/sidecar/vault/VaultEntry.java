package dev.kinga.sidecar.vault;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One reversible pseudonym. The value is sealed under its own data key with the token and type as
 * associated data; the data key is wrapped by the KEK {@code kekId}. Deterministic entries carry the
 * lookup MAC that finds them again; random ones have none.
 */
@Entity
@Table(name = "pii_token")
public class VaultEntry {

    @Id
    public String token;

    @Column(name = "entity_type")
    public String entityType;

    public String scheme;

    @Column(name = "token_domain")
    public String domain;

    @Column(name = "value_mac")
    public String valueMac;

    @Column(name = "kek_id")
    public String kekId;

    @Column(name = "wrapped_key")
    public String wrappedKey;

    public String ciphertext;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The data subject (Keycloak user id) the value belongs to, when the caller named one: erasing them shreds it. */
    @Column(name = "subject_id")
    public String subjectId;

    /** When the entry's key and ciphertext were destroyed (its subject was erased), else null. */
    @Column(name = "shredded_at")
    public Instant shreddedAt;

    /** Marks entries from before envelope encryption (set by migration V2), until the re-wrap re-seals them. */
    static final String LEGACY_KEK = "legacy-v1";

    /** What the value's ciphertext is bound to: this row's token, type, scheme, domain and lookup MAC. */
    String binding() {
        String row = String.join("\u0000", "kinga-vault", token, entityType, scheme, String.valueOf(domain), String.valueOf(valueMac));
        return subjectId == null ? row : row + "\u0000subject\u0000" + subjectId; // entries from before subjects bind as they did
    }

    boolean legacy() {
        return wrappedKey == null && LEGACY_KEK.equals(kekId);
    }
}
