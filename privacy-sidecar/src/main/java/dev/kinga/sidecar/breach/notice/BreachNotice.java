package dev.kinga.sidecar.breach.notice;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * The notice to one person affected by a breach (Art. 34) and its delivery: only their Keycloak
 * user id is kept; their address and language are looked up when the mail is sent.
 */
@Entity
@Table(name = "breach_notice")
public class BreachNotice {

    @Id
    public String id;

    @Column(name = "incident_id")
    public String incidentId;

    @Column(name = "user_id")
    public String userId;

    @Enumerated(EnumType.STRING)
    public NoticeStatus status;

    /** The language the notice went out in (en or sw). */
    public String locale;

    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "queued_at")
    public Instant queuedAt;

    @Column(name = "queued_by")
    public String queuedBy;

    @Column(name = "sent_at")
    public Instant sentAt;

    /** Whether the officer who queued it allowed an address the person set and never verified. */
    @Column(name = "allow_unverified")
    public boolean allowUnverified;

    /** Whether Keycloak had the address as verified when the notice was sent. */
    @Column(name = "address_verified")
    public Boolean addressVerified;

    /** SHA-256 of the subject and body sent: what this person was told, provable later from the drafts. */
    @Column(name = "content_hash")
    public String contentHash;

    @Version
    public long version;
}
