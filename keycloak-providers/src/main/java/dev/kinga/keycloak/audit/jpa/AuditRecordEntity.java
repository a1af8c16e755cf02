package dev.kinga.keycloak.audit.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One record of a realm's trail. The request's transaction inserts it queued (no {@code seq},
 * {@code prevHash} or {@code hash}); the realm's sequencer links it into the hash chain once, and
 * nothing changes it after that but the erasure of its personal part (and pruning by retention).
 */
@Entity
@Table(name = "KINGA_AUDIT_RECORD")
@NamedQueries({
        @NamedQuery(name = "kingaAuditRange",
                query = "select r from AuditRecordEntity r where r.realmId = :realmId and r.seq >= :fromSeq and r.seq <= :toSeq order by r.seq"),
        @NamedQuery(name = "kingaAuditCountFailuresForSubject",
                query = "select count(r) from AuditRecordEntity r where r.realmId = :realmId and r.subject = :subject"
                        + " and r.type = :type and r.time >= :since"),
        @NamedQuery(name = "kingaAuditCountSubjectsFromIp",
                query = "select count(distinct r.subject) from AuditRecordEntity r where r.realmId = :realmId"
                        + " and r.actorIp = :ip and r.type = :type and r.time >= :since"),
        @NamedQuery(name = "kingaAuditLastSeqBefore",
                query = "select max(r.seq) from AuditRecordEntity r where r.realmId = :realmId and r.time < :before"),
        // A person's records: about them (their user id, or the pseudonym of a name they typed) or by them
        // about no one else. What they did to other people stays those people's (and the evidence's).
        @NamedQuery(name = "kingaAuditAboutUser",
                query = "select r from AuditRecordEntity r where r.realmId = :realmId and (r.subject in :subjects"
                        + " or (r.actorUserId = :user and r.subject is null)) order by r.seq"),
        // Erasure asks "about them" and "by them" apart: each uses its own index (IDX_KINGA_AUDIT_SUBJECT,
        // IDX_KINGA_AUDIT_ACTOR), where one OR of both makes some databases read the whole table per person.
        @NamedQuery(name = "kingaAuditErasePersonalAbout",
                query = "update AuditRecordEntity r set r.personal = null, r.personalSalt = null, r.actorIp = null"
                        + " where r.realmId = :realmId and r.subject in :subjects and r.format >= 2"
                        + " and (r.personalSalt is not null or r.actorIp is not null)"),
        @NamedQuery(name = "kingaAuditErasePersonalBy",
                query = "update AuditRecordEntity r set r.personal = null, r.personalSalt = null, r.actorIp = null"
                        + " where r.realmId = :realmId and r.actorUserId = :user and r.subject is null and r.format >= 2"
                        + " and (r.personalSalt is not null or r.actorIp is not null)"),
        @NamedQuery(name = "kingaAuditCountLegacyAbout",
                query = "select count(r) from AuditRecordEntity r where r.realmId = :realmId and r.subject in :subjects"
                        + " and r.format < 2"),
        @NamedQuery(name = "kingaAuditCountLegacyBy",
                query = "select count(r) from AuditRecordEntity r where r.realmId = :realmId and r.actorUserId = :user"
                        + " and r.subject is null and r.format < 2"),
        @NamedQuery(name = "kingaOutboxOfRecordsAbout",
                query = "select o.id, o.recordId from AuditOutboxEntity o, AuditRecordEntity r where o.recordId = r.id"
                        + " and r.realmId = :realmId and r.subject in :subjects"),
        @NamedQuery(name = "kingaOutboxOfRecordsBy",
                query = "select o.id, o.recordId from AuditOutboxEntity o, AuditRecordEntity r where o.recordId = r.id"
                        + " and r.realmId = :realmId and r.actorUserId = :user and r.subject is null"),
        // The sequencer's batch: queued records in the order they happened (REALM_ID, SEQ is the unique index).
        @NamedQuery(name = "kingaAuditQueued",
                query = "select r from AuditRecordEntity r where r.realmId = :realmId and r.seq is null order by r.time, r.id"),
        @NamedQuery(name = "kingaAuditQueuedCount",
                query = "select count(r), min(r.time) from AuditRecordEntity r where r.realmId = :realmId and r.seq is null"),
        @NamedQuery(name = "kingaAuditDeleteUpTo",
                query = "delete from AuditRecordEntity r where r.realmId = :realmId and r.seq <= :seq")
})
public class AuditRecordEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** Null while queued: the sequencer gives it its place in the chain. */
    @Column(name = "SEQ")
    private Long seq;

    @Column(name = "EVENT_TIME", nullable = false)
    private long time;

    @Column(name = "TYPE", length = 64, nullable = false)
    private String type;

    @Column(name = "SEVERITY", length = 16, nullable = false)
    private String severity;

    @Column(name = "OUTCOME", length = 16, nullable = false)
    private String outcome;

    @Column(name = "ACTOR_USER_ID", length = 36)
    private String actorUserId;

    @Column(name = "ACTOR_CLIENT_ID", length = 255)
    private String actorClientId;

    @Column(name = "ACTOR_IP", length = 64)
    private String actorIp;

    @Column(name = "SUBJECT", length = 80)
    private String subject;

    @Column(name = "RESOURCE_PATH", length = 1024)
    private String resource;

    @Column(name = "DETAILS", columnDefinition = "TEXT")
    private String details;

    /** 1: every field is hashed as it is; 2: the personal part is hashed through its salted commitment. */
    @Column(name = "FORMAT", nullable = false)
    private int format = 1;

    /** What identifies a person (JSON), kept out of the hash; null once erased or when there is none. */
    @Column(name = "PERSONAL", columnDefinition = "TEXT")
    private String personal;

    @Column(name = "PERSONAL_SALT", length = 32)
    private String personalSalt;

    @Column(name = "PERSONAL_COMMIT", length = 64)
    private String personalCommit;

    @Column(name = "PREV_HASH", length = 64)
    private String prevHash;

    @Column(name = "HASH", length = 64)
    private String hash;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    /** The place in the chain; null while the record is queued. */
    public Long getSeq() { return seq; }
    public void setSeq(long seq) { this.seq = seq; }
    public boolean isSequenced() { return seq != null; }
    public long getTime() { return time; }
    public void setTime(long time) { this.time = time; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getSeverity() { return severity; }
    public void setSeverity(String severity) { this.severity = severity; }
    public String getOutcome() { return outcome; }
    public void setOutcome(String outcome) { this.outcome = outcome; }
    public String getActorUserId() { return actorUserId; }
    public void setActorUserId(String actorUserId) { this.actorUserId = actorUserId; }
    public String getActorClientId() { return actorClientId; }
    public void setActorClientId(String actorClientId) { this.actorClientId = actorClientId; }
    public String getActorIp() { return actorIp; }
    public void setActorIp(String actorIp) { this.actorIp = actorIp; }
    public String getSubject() { return subject; }
    public void setSubject(String subject) { this.subject = subject; }
    public String getResource() { return resource; }
    public void setResource(String resource) { this.resource = resource; }
    public String getDetails() { return details; }
    public void setDetails(String details) { this.details = details; }
    public int getFormat() { return format; }
    public void setFormat(int format) { this.format = format; }
    public String getPersonal() { return personal; }
    public void setPersonal(String personal) { this.personal = personal; }
    public String getPersonalSalt() { return personalSalt; }
    public void setPersonalSalt(String personalSalt) { this.personalSalt = personalSalt; }
    public String getPersonalCommit() { return personalCommit; }
    public void setPersonalCommit(String personalCommit) { this.personalCommit = personalCommit; }
    public String getPrevHash() { return prevHash; }
    public void setPrevHash(String prevHash) { this.prevHash = prevHash; }
    public String getHash() { return hash; }
    public void setHash(String hash) { this.hash = hash; }
}
