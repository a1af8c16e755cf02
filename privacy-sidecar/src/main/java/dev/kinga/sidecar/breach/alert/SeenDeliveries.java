package dev.kinga.sidecar.breach.alert;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures of the deliveries this node took within the replay window. The forwarder signs
 * every attempt afresh (a new timestamp), so the same signature twice is a captured delivery sent
 * again: refused, so that a replayed batch of 500 records costs one look-up, not 500. Each node
 * remembers its own, so a delivery replayed through the balancer is taken at most once per node,
 * and then only as duplicates of what it holds.
 */
@ApplicationScoped
public class SeenDeliveries {

    /** Signatures remembered at most (about 20 MB): beyond it the oldest go first. */
    static final int MAX_REMEMBERED = 200_000;

    /** Signature to the time (epoch ms) it can be forgotten: its timestamp is outside the window by then. */
    private final Map<String, Long> seen = new LinkedHashMap<>();

    /** Whether {@code signature} arrives for the first time; it is remembered for twice the replay window. */
    synchronized boolean first(String signature, Duration replayWindow, long nowMillis) {
        Iterator<Long> oldest = seen.values().iterator();
        while (oldest.hasNext()) {
            if (oldest.next() > nowMillis && seen.size() < MAX_REMEMBERED) {
                break;
            }
            oldest.remove();
        }
        return seen.putIfAbsent(signature, nowMillis + 2 * replayWindow.toMillis()) == null;
    }
}
