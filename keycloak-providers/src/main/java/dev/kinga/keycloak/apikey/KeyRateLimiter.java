package dev.kinga.keycloak.apikey;

import dev.kinga.ratelimit.SharedBuckets;
import dev.kinga.ratelimit.TakeLedger;

import java.util.function.LongSupplier;

/**
 * Per-key token buckets for the token endpoint that hold for the whole cluster:
 * {@code perMinute} requests a minute with bursts up to {@code burst}, over every node together.
 * Each node admits from its own buckets and {@link LimitSync} shares what they gave out through
 * the database ({@code KINGA_RATE_TAKES}), so N nodes do not allow N times the limit.
 */
final class KeyRateLimiter {

    static final int MAX_TRACKED = 10_000;
    /** The name of this limit in the ledger. */
    static final String LIMITER = "api-key-token";

    private final SharedBuckets buckets;

    KeyRateLimiter(int perMinute, int burst, LongSupplier nanoClock, LongSupplier wallMillis) {
        this.buckets = new SharedBuckets(LIMITER, perMinute, burst, MAX_TRACKED, nanoClock, wallMillis);
    }

    /** 0 when the request may go ahead, otherwise the whole seconds to wait before retrying. */
    long acquire(String keyId) {
        long nanos = buckets.acquire(keyId);
        return nanos == 0 ? 0 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Tells the other nodes what this one admitted and charges what they did. */
    void sync(TakeLedger ledger) {
        buckets.sync(ledger);
    }
}
