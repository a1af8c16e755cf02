package dev.kinga.sidecar.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The chain's head (one row): locked by each append, so records get gapless sequence numbers on every node. */
@Entity
@Table(name = "sidecar_audit_head")
public class TrailHead {

    @Id
    public int id;

    @Column(name = "last_seq")
    public long lastSeq;

    @Column(name = "last_hash")
    public String lastHash;

    /** HMAC of (lastSeq, lastHash) under the chain key: a head rewound to an earlier record does not verify. */
    public String mac;
}
