package dev.kinga.sidecar.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A grant or a withdrawal of consent to one version of a purpose. Never changed once written. */
@Entity
@Table(name = "consent_record")
public class ConsentRecord {

    @Id
    public String id;

    @Column(name = "subject_id")
    public String subjectId;

    @Column(name = "purpose_key")
    public String purposeKey;

    @Column(name = "purpose_version")
    public int purposeVersion;

    public boolean granted;

    public Instant at;

    /** Who recorded it: the person themselves (self-service) or an officer's subject id. */
    public String actor;

    /** Where it was given: {@code self-service}, or what the officer's system says (e.g. {@code paper-form}). */
    public String source;
}
