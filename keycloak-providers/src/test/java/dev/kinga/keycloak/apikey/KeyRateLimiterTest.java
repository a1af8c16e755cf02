package dev.kinga.keycloak.apikey;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyRateLimiterTest {

    @Test
    void allowsTheBurstThenAsksToWaitUntilATokenRefills() {
        AtomicLong now = new AtomicLong();
        KeyRateLimiter limiter = new KeyRateLimiter(60, 3, now::get, () -> 1_790_000_000_000L); // one a second
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        long wait = limiter.acquire("a");
        assertEquals(1, wait);
        assertEquals(0, limiter.acquire("b"), "keys have their own buckets");
        now.addAndGet(1_000_000_000L);
        assertEquals(0, limiter.acquire("a"));
        assertTrue(limiter.acquire("a") >= 1);
    }

    @Test
    void usageIsReportedAtFirstUseThenOncePerInterval() {
        AtomicLong now = new AtomicLong(5);
        UsageTracker usage = new UsageTracker(60, now::get);
        assertEquals(1, usage.record("k"));
        assertEquals(0, usage.record("k"));
        assertEquals(0, usage.record("k"));
        now.addAndGet(61_000_000_000L);
        assertEquals(3, usage.record("k"), "the two unreported uses and this one");
    }
}
