package dev.kinga.sidecar.breach.alert;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * What the sidecar received of one realm's trail: the highest sequence number and its hash, and
 * counts of what did not line up. Its row is locked while a record of the realm is taken.
 */
@Entity
@Table(name = "audit_intake_realm")
public class IntakeRealm {

    @Id
    @Column(name = "realm_id")
    public String realmId;

    @Column(name = "realm_name")
    public String realmName;

    @Column(name = "last_seq")
    public long lastSeq;

    @Column(name = "last_hash")
    public String lastHash;

    /** The newest audit anchor received (its sequence number and its own hash), or null before the first. */
    @Column(name = "last_anchor_seq")
    public Long lastAnchorSeq;

    @Column(name = "last_anchor_hash")
    public String lastAnchorHash;

    public long records;

    /** Deliveries of a record already taken (a retry after a lost answer, a replay). */
    public long duplicates;

    /** Records whose sequence number skipped past the next one expected. */
    public long gaps;

    /** New records numbered below one already taken. */
    @Column(name = "out_of_order")
    public long outOfOrder;

    /** Records next in sequence whose {@code prevHash} is not the hash of the record before. */
    @Column(name = "chain_breaks")
    public long chainBreaks;

    /** The lowest sequence number not received (null: none below lastSeq), and since when it is the lowest. */
    @Column(name = "first_hole_seq")
    public Long firstHoleSeq;

    @Column(name = "hole_since")
    public Instant holeSince;

    /** The first record that did not continue the chain received so far; never cleared. */
    @Column(name = "first_break_seq")
    public Long firstBreakSeq;

    @Column(name = "first_at")
    public Instant firstAt;

    @Column(name = "last_at")
    public Instant lastAt;
}
