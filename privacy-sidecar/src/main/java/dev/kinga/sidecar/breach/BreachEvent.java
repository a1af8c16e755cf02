package dev.kinga.sidecar.breach;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One entry of an incident's history: what changed (as JSON), who changed it and when. Entries
 * are appended and never updated; information given to the authority in phases (Art. 33(4)) is an
 * entry of kind {@code information}.
 */
@Entity
@Table(name = "breach_event")
public class BreachEvent {

    @Id
    public String id;

    @Column(name = "incident_id")
    public String incidentId;

    public int seq;

    public Instant at;

    public String actor;

    @Column(name = "actor_name")
    public String actorName;

    public String kind;

    public String details;
}
