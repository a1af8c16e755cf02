package dev.kinga.sidecar.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** How far one sink has taken the trail. */
@Entity
@Table(name = "sidecar_audit_cursor")
public class TrailCursor {

    /** SHA-256 (hex) of the sink's URL. */
    @Id
    public String sink;

    @Column(name = "delivered_seq")
    public long deliveredSeq;
}
