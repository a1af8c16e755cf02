package dev.kinga.sidecar.breach.alert;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One Keycloak audit record the sidecar took: its id makes a second delivery a duplicate. */
@Entity
@Table(name = "audit_intake_record")
public class IntakeRecord {

    @Id
    @Column(name = "record_id")
    public String recordId;

    @Column(name = "realm_id")
    public String realmId;

    public long seq;

    @Column(name = "record_type")
    public String type;

    @Column(name = "received_at")
    public Instant receivedAt;

    public String hash;

    @Column(name = "prev_hash")
    public String prevHash;
}
