package dev.kinga.sidecar.connector;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An application connector registered through the API; its secret is sealed under a vault KEK. */
@Entity
@Table(name = "dsr_connector")
public class RegisteredConnector {

    @Id
    public String name;

    public String url;

    @Column(name = "kek_id")
    public String kekId;

    /** The HMAC secret sealed with AES-256-GCM under KEK {@link #kekId}, bound to the name (base64). */
    @Column(name = "secret_sealed")
    public String secretSealed;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;
}
