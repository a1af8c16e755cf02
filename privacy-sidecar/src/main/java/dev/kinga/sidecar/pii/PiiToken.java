package dev.kinga.sidecar.pii;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A reversible pseudonym: the value only sealed (AES-GCM), found again by its MAC. */
@Entity
@Table(name = "pii_token")
public class PiiToken {

    @Id
    public String token;

    @Column(name = "entity_type")
    public String entityType;

    @Column(name = "value_mac")
    public String valueMac;

    public String ciphertext;

    @Column(name = "created_at")
    public Instant createdAt;
}
