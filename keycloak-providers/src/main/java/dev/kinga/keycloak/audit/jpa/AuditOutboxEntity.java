package dev.kinga.keycloak.audit.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A record waiting to reach one sink. Written in the transaction that writes the record,
 * deleted once the sink acknowledged it; failures push {@code nextAttemptAt} back. A record the
 * sink keeps refusing for what it is (a dead letter) stays with {@code nextAttemptAt = Long.MAX_VALUE}.
 */
@Entity
@Table(name = "KINGA_AUDIT_OUTBOX")
@NamedQueries({
        @NamedQuery(name = "kingaOutboxDueRealms",
                query = "select o.realmId from AuditOutboxEntity o where o.sink = :sink and o.nextAttemptAt <= :now"
                        + " and o.seq = (select min(h.seq) from AuditOutboxEntity h where h.sink = o.sink"
                        + " and h.realmId = o.realmId and h.nextAttemptAt < :dead)"),
        @NamedQuery(name = "kingaOutboxPendingOfRealm",
                query = "select o from AuditOutboxEntity o where o.sink = :sink and o.realmId = :realmId"
                        + " and o.nextAttemptAt < :dead order by o.seq"),
        @NamedQuery(name = "kingaOutboxStats",
                query = "select o.sink, count(o), min(o.createdAt), max(o.attempts) from AuditOutboxEntity o"
                        + " where o.realmId = :realmId and o.nextAttemptAt < :dead group by o.sink"),
        @NamedQuery(name = "kingaOutboxDeadLetters",
                query = "select o.sink, count(o) from AuditOutboxEntity o where o.realmId = :realmId and o.nextAttemptAt = :dead"
                        + " group by o.sink"),
        @NamedQuery(name = "kingaOutboxSinkStats",
                query = "select count(o), min(o.createdAt) from AuditOutboxEntity o where o.sink = :sink and o.nextAttemptAt < :dead"),
        @NamedQuery(name = "kingaOutboxLastError",
                query = "select o from AuditOutboxEntity o where o.realmId = :realmId and o.sink = :sink and o.attempts > 0"
                        + " order by o.seq")
})
public class AuditOutboxEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "RECORD_ID", length = 36, nullable = false)
    private String recordId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SEQ", nullable = false)
    private long seq;

    @Column(name = "SINK", length = 512, nullable = false)
    private String sink;

    @Column(name = "PAYLOAD", columnDefinition = "TEXT", nullable = false)
    private String payload;

    /** HMAC of the payload under the sink signing key, bound to this row (OutboxSeal); null without a key. */
    @Column(name = "PAYLOAD_MAC", length = 64)
    private String payloadMac;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    @Column(name = "LAST_ERROR", length = 255)
    private String lastError;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRecordId() { return recordId; }
    public void setRecordId(String recordId) { this.recordId = recordId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public long getSeq() { return seq; }
    public void setSeq(long seq) { this.seq = seq; }
    public String getSink() { return sink; }
    public void setSink(String sink) { this.sink = sink; }
    public String getPayload() { return payload; }
    public void setPayload(String payload) { this.payload = payload; }
    public String getPayloadMac() { return payloadMac; }
    public void setPayloadMac(String payloadMac) { this.payloadMac = payloadMac; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public long getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(long nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
}
