package dev.kinga.keycloak.apikey.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * How many requests one node's rate limit admitted for one key in one minute: the rows through
 * which the nodes' buckets add up to one limit for the cluster ({@code dev.kinga.ratelimit}).
 * The key is a digest, never the API key; rows are deleted after two minutes.
 */
@Entity
@Table(name = "KINGA_RATE_TAKES")
@NamedQueries({
        @NamedQuery(name = "kingaRateTakesOfOthers",
                query = "select t from RateTakeEntity t where t.limiter = :limiter and t.minute >= :fromMinute and t.node <> :node"),
        @NamedQuery(name = "kingaRateTakesForget",
                query = "delete from RateTakeEntity t where t.limiter = :limiter and t.minute < :beforeMinute")
})
public class RateTakeEntity {

    /** {@code limiter node key minute}: one row per node, key and minute, written by that node only. */
    @Id
    @Column(name = "ID", length = 128)
    private String id;

    @Column(name = "LIMITER", length = 32, nullable = false)
    private String limiter;

    @Column(name = "NODE", length = 36, nullable = false)
    private String node;

    @Column(name = "BUCKET_KEY", length = 32, nullable = false)
    private String key;

    /** Epoch minute. */
    @Column(name = "EPOCH_MINUTE", nullable = false)
    private long minute;

    @Column(name = "TAKES", nullable = false)
    private long takes;

    public static String id(String limiter, String node, String key, long minute) {
        return limiter + ' ' + node + ' ' + key + ' ' + minute;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getLimiter() {
        return limiter;
    }

    public void setLimiter(String limiter) {
        this.limiter = limiter;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public long getMinute() {
        return minute;
    }

    public void setMinute(long minute) {
        this.minute = minute;
    }

    public long getTakes() {
        return takes;
    }

    public void setTakes(long takes) {
        this.takes = takes;
    }
}
