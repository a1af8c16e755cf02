package dev.kinga.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets that hold for a whole cluster: {@code perMinute} requests a minute per key, in
 * bursts of up to {@code burst}, counted over every node together.
 *
 * <p>A request is admitted or refused from this node's bucket alone, with no round trip. Every
 * sync interval, {@link #sync} writes what this node admitted in the current minute to the
 * {@link TakeLedger} and charges this node's buckets with what the other nodes admitted since it
 * last looked. So N nodes admit at most the limit together, plus what the others admitted within
 * one sync interval that this node has not seen yet (docs/threat-model.md). A node that starts
 * charges what the others admitted in the current and the previous minute, so a restart does not
 * refill anyone's bucket.
 *
 * <p>Keys reach the ledger as SHA-256 digests: a caller's address or subject is not written to
 * the database, and the ledger's rows are deleted after two minutes.
 */
public final class SharedBuckets {

    private final String limiter;
    private final String node = UUID.randomUUID().toString();
    private final double perNano;
    private final int burst;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    private final LongSupplier wallMillis;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** This node's admissions per minute and key; {@link #unpublished} names those the ledger lacks. */
    private final ConcurrentHashMap<MinuteKey, AtomicLong> admitted = new ConcurrentHashMap<>();
    private final Set<MinuteKey> unpublished = ConcurrentHashMap.newKeySet();
    /** The other nodes' counts already charged, by node, key and minute (touched by {@link #sync} only). */
    private final Map<String, Long> charged = new HashMap<>();
    private long forgottenBefore = Long.MIN_VALUE;

    /**
     * @param limiter    the ledger's name for this limit (nodes share buckets of the same name)
     * @param maxTracked above this many keys, idle ones (full buckets) are dropped
     */
    public SharedBuckets(String limiter, int perMinute, int burst, int maxTracked, LongSupplier nanoClock, LongSupplier wallMillis) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs at least 1 request a minute and a burst of at least 1");
        }
        this.limiter = limiter;
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
        this.wallMillis = wallMillis;
    }

    /** @return 0 when the request may go ahead, otherwise the nanoseconds until it may */
    public long acquire(String caller) {
        String key = ledgerKey(caller);
        long now = nanoClock.getAsLong();
        if (buckets.size() > maxTracked) {
            buckets.values().removeIf(idle -> idle.isFull(now)); // callers rotating keys cannot grow memory
        }
        long wait = buckets.computeIfAbsent(key, k -> new Bucket(now)).take(now);
        if (wait == 0) {
            MinuteKey minuteKey = new MinuteKey(minute(), key);
            admitted.computeIfAbsent(minuteKey, k -> new AtomicLong()).incrementAndGet();
            unpublished.add(minuteKey); // after the count: a sync that misses it publishes it next time
        }
        return wait;
    }

    /** Whether {@code caller} has a request left, without taking it. */
    public boolean hasToken(String caller) {
        Bucket bucket = buckets.get(ledgerKey(caller));
        return bucket == null || bucket.hasToken(nanoClock.getAsLong());
    }

    /**
     * Publishes this node's admissions and charges the other nodes'. Called by one thread per node
     * (the deployable's timer); a failure leaves the unpublished admissions for the next call.
     */
    public synchronized void sync(TakeLedger ledger) {
        long minute = minute();
        publish(ledger);
        for (TakeLedger.Takes takes : ledger.others(limiter, node, minute - 1)) {
            String seen = takes.node() + ' ' + takes.key() + ' ' + takes.minute();
            long before = charged.getOrDefault(seen, 0L);
            if (takes.count() > before) {
                long now = nanoClock.getAsLong();
                buckets.computeIfAbsent(takes.key(), k -> new Bucket(now)).charge(takes.count() - before, now);
                charged.put(seen, takes.count());
            }
        }
        charged.keySet().removeIf(seen -> Long.parseLong(seen.substring(seen.lastIndexOf(' ') + 1)) < minute - 1);
        admitted.keySet().removeIf(k -> k.minute() < minute - 1 && !unpublished.contains(k));
        if (forgottenBefore < minute - 2) {
            ledger.forget(limiter, minute - 2);
            forgottenBefore = minute - 2;
        }
    }

    private void publish(TakeLedger ledger) {
        List<MinuteKey> batch = new ArrayList<>(unpublished);
        unpublished.removeAll(batch);
        Map<Long, Map<String, Long>> byMinute = new TreeMap<>();
        for (MinuteKey k : batch) {
            byMinute.computeIfAbsent(k.minute(), m -> new HashMap<>()).put(k.key(), admitted.get(k).get());
        }
        try {
            byMinute.forEach((minute, takes) -> ledger.publish(limiter, node, minute, takes));
        } catch (RuntimeException e) {
            unpublished.addAll(batch);
            throw e;
        }
    }

    private long minute() {
        return Math.floorDiv(wallMillis.getAsLong(), 60_000L);
    }

    /** What the ledger stores for a caller: 22 characters of base64url SHA-256. */
    static String ledgerKey(String caller) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(caller.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private record MinuteKey(long minute, String key) {
    }

    /** A token bucket; it may go below zero when other nodes' admissions are charged to it. */
    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(long now) {
            this.tokens = burst;
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
        }

        synchronized void charge(long admittedElsewhere, long now) {
            refill(now);
            tokens -= admittedElsewhere;
        }

        synchronized boolean hasToken(long now) {
            refill(now);
            return tokens >= 1;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * perNano);
            updated = now;
        }
    }
}
