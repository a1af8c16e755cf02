package dev.kinga.sidecar.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** How far one sink has taken the trail. */
@Entity
@Table(name = "sidecar_audit_cursor")
public class TrailCursor {

    @Id
    public String sink;

    @Column(name = "delivered_seq")
    public long deliveredSeq;
}
