package dev.kinga.sidecar.dsr;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/** One data-subject request: what was asked, for whom, where it stands and what was done. */
@Entity
@Table(name = "dsr_request")
public class DsrRequest {

    @Id
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(name = "request_type")
    public DsrType type;

    /** As the requester named the person: a Keycloak user id or a username. */
    public String subject;

    /** The Keycloak user id it resolved to. */
    @Column(name = "subject_id")
    public String subjectId;

    @Enumerated(EnumType.STRING)
    public DsrStatus status;

    public String reason;

    @Column(name = "grace_days")
    public Integer graceDays;

    @Column(name = "received_at")
    public Instant receivedAt;

    @Column(name = "due_at")
    public Instant dueAt;

    /** When the worker may run the job (the end of an erasure's grace period; a retry's back-off). */
    @Column(name = "run_after")
    public Instant runAfter;

    /** A worker holds the job until then; past it, the job is claimed again (its worker died). */
    @Column(name = "lease_until")
    public Instant leaseUntil;

    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    /** What was done, per connector (JSON). */
    public String receipt;

    @Column(name = "created_by")
    public String createdBy;

    /** The subject id while this is an open erasure (unique: one open erasure per person), else null. */
    @Column(name = "open_erasure")
    public String openErasure;

    /** SHA-256 of the cancellation code a person got for their own erasure, while it can be cancelled; else null. */
    @Column(name = "cancel_code_hash")
    public String cancelCodeHash;

    @Version
    public long version;
}
