package dev.kinga.sidecar.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One record of the sidecar's audit trail. {@code hash} = HMAC over the previous record's hash and
 * this record's fields ({@link TrailChain}), so a changed, removed or inserted record breaks the chain.
 */
@Entity
@Table(name = "sidecar_audit_record")
public class TrailRecord {

    @Id
    public long seq;

    @Column(name = "record_id")
    public String id;

    public Instant at;

    public String action;

    /** The caller's subject ({@code sub}). */
    public String actor;

    @Column(name = "actor_name")
    public String actorName;

    @Column(name = "client_id")
    public String clientId;

    /** JSON object: what was done (for a detokenization: purpose, tokenCount, tokenIds), never a value. */
    public String details;

    @Column(name = "prev_hash")
    public String prevHash;

    public String hash;
}
