package dev.kinga.keycloak.apikey;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts uses per key on this node and says when to report them: at the first use and then at
 * most once per interval. Reporting writes "last used" and one aggregated event, so a busy key
 * costs one database write and one event per interval, not one per request.
 */
final class UsageTracker {

    private static final class Usage {
        final AtomicLong count = new AtomicLong();
        final AtomicLong lastReported = new AtomicLong(Long.MIN_VALUE);
    }

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Usage> usage = new ConcurrentHashMap<>();

    UsageTracker(int intervalSeconds, LongSupplier nanoClock) {
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
        this.nanoClock = nanoClock;
    }

    /** Records one use; returns the uses to report now (this one included), or 0 when not yet due. */
    long record(String prefix) {
        if (usage.size() > KeyRateLimiter.MAX_TRACKED) {
            usage.clear(); // bounded memory; at worst a few uses go unreported
        }
        Usage u = usage.computeIfAbsent(prefix, p -> new Usage());
        u.count.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = u.lastReported.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            return 0;
        }
        if (!u.lastReported.compareAndSet(last, now)) {
            return 0; // another thread reports this interval
        }
        return u.count.getAndSet(0);
    }
}
