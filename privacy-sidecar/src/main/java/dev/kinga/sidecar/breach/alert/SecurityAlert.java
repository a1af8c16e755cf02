package dev.kinga.sidecar.breach.alert;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/** A security alert from Keycloak's trail (a {@code SECURITY_ALERT} record) and its triage. */
@Entity
@Table(name = "security_alert")
public class SecurityAlert {

    @Id
    public String id;

    /** The Keycloak audit record that raised it. */
    @Column(name = "record_id")
    public String recordId;

    @Column(name = "realm_id")
    public String realmId;

    @Column(name = "realm_name")
    public String realmName;

    public long seq;

    @Column(name = "raised_at")
    public Instant raisedAt;

    @Column(name = "received_at")
    public Instant receivedAt;

    @Column(name = "rule_name")
    public String rule;

    public String severity;

    public String summary;

    /** The Keycloak user the alert is about (pseudonymous: an id, not a name). */
    @Column(name = "subject_id")
    public String subjectId;

    @Column(name = "actor_user_id")
    public String actorUserId;

    @Column(name = "actor_client_id")
    public String actorClientId;

    /** Personal: nulled when the person is erased. */
    @Column(name = "actor_ip")
    public String actorIp;

    /** The rule's details as JSON (counts, roles granted). */
    public String details;

    @Enumerated(EnumType.STRING)
    public AlertState state;

    @Column(name = "acknowledged_at")
    public Instant acknowledgedAt;

    @Column(name = "acknowledged_by")
    public String acknowledgedBy;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    @Column(name = "resolved_by")
    public String resolvedBy;

    /** The acknowledgement's or resolution's note (the latest). */
    public String note;

    @Column(name = "incident_id")
    public String incidentId;

    @Version
    public long version;
}
