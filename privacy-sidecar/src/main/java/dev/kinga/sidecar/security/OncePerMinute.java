package dev.kinga.sidecar.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a refusal be recorded once a minute per key (a client and reason, an account), whatever a
 * caller keeps sending, so the trail shows each refused caller without being flooded by one.
 * Bounded: past 10,000 keys it starts afresh (a key may then be recorded once more).
 */
public final class OncePerMinute {

    private static final long MINUTE_MILLIS = 60_000;
    private final Map<String, Long> last = new ConcurrentHashMap<>();

    /** True the first time for {@code key}, then again once a minute has passed since. */
    public boolean due(String key, long nowMillis) {
        if (last.size() > 10_000) {
            last.clear();
        }
        boolean[] due = {false};
        last.compute(key, (k, before) -> {
            due[0] = before == null || nowMillis - before >= MINUTE_MILLIS;
            return due[0] ? nowMillis : before;
        });
        return due[0];
    }
}
