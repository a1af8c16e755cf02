package dev.kinga.ratelimit;

import java.util.List;
import java.util.Map;

/**
 * Where the nodes of a cluster tell each other what their buckets gave out: one row per limiter,
 * node, key and minute, holding how many requests that node admitted for that key in that minute.
 * Each node writes only its own rows, so nodes never wait on each other's; each reads the others'.
 * Implemented on each deployable's database (Keycloak's through JPA, the sidecar's through JDBC).
 */
public interface TakeLedger {

    /** Sets this node's counts for {@code minute} (an epoch minute), creating the rows it lacks. */
    void publish(String limiter, String node, long minute, Map<String, Long> takes);

    /** Every other node's rows of {@code limiter} from {@code fromMinute} on. */
    List<Takes> others(String limiter, String node, long fromMinute);

    /** Deletes every node's rows of {@code limiter} older than {@code beforeMinute}. */
    void forget(String limiter, long beforeMinute);

    /** One node's admissions for one key in one minute. */
    record Takes(String node, String key, long minute, long count) {
    }
}
