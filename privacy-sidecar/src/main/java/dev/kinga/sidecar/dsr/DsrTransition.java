package dev.kinga.sidecar.dsr;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One change of a request's status (or of its due date), with who made it and why. Never updated. */
@Entity
@Table(name = "dsr_transition")
public class DsrTransition {

    @Id
    public String id;

    @Column(name = "request_id")
    public String requestId;

    public int seq;

    public Instant at;

    @Column(name = "from_status")
    public String fromStatus;

    @Column(name = "to_status")
    public String toStatus;

    public String actor;

    public String note;
}
