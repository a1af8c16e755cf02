package dev.kinga.sidecar.dsr;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A one-time download link to an archive: only the SHA-256 of its token is kept. */
@Entity
@Table(name = "dsr_archive_link")
public class DsrArchiveLink {

    @Id
    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
