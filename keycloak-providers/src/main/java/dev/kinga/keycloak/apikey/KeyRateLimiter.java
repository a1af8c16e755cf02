package dev.kinga.keycloak.apikey;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-key token buckets for the token endpoint, on this node: {@code perMinute} requests a
 * minute with bursts up to {@code burst}. Idle buckets are dropped once many keys are tracked.
 */
final class KeyRateLimiter {

    static final int MAX_TRACKED = 10_000;

    private final double refillPerNano;
    private final int burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    KeyRateLimiter(int perMinute, int burst, LongSupplier nanoClock) {
        this.refillPerNano = perMinute / 60e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** 0 when the request may go ahead, otherwise the whole seconds to wait before retrying. */
    long acquire(String keyId) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(keyId, k -> new Bucket(burst, now));
        return bucket.take(now);
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanosToOne = (1 - tokens) / refillPerNano;
            return Math.max(1, (long) Math.ceil(nanosToOne / 1e9));
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * refillPerNano);
            updated = now;
        }
    }
}
