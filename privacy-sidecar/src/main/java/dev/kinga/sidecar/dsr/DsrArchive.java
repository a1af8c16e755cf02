package dev.kinga.sidecar.dsr;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A finished export's archive (JSON), until it expires. */
@Entity
@Table(name = "dsr_archive")
public class DsrArchive {

    @Id
    @Column(name = "request_id")
    public String requestId;

    public String content;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
