package dev.kinga.keycloak.apikey;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-node cache of stored keys by prefix, so checking a key costs no database round trip.
 * It only ever answers "what was stored"; revocation and shortened expiry are read from the
 * cluster-wide {@link RevocationMarkers} on every use, so a cached entry can never outlive a
 * revocation on any node. Entries are also dropped after {@link #MAX_AGE_NANOS} and when the
 * key changes on this node.
 */
final class KeyCache {

    static final long MAX_AGE_NANOS = 300_000_000_000L;

    private record Entry(KnownKey key, long loadedAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxSize;
    private final LongSupplier nanoClock;

    KeyCache(int maxSize, LongSupplier nanoClock) {
        this.maxSize = maxSize;
        this.nanoClock = nanoClock;
    }

    KnownKey get(String prefix) {
        Entry entry = entries.get(prefix);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.loadedAt() > MAX_AGE_NANOS) {
            entries.remove(prefix, entry);
            return null;
        }
        return entry.key();
    }

    void put(KnownKey key) {
        if (entries.size() >= maxSize) {
            entries.clear(); // rare: cheaper and simpler than LRU bookkeeping on every hit
        }
        entries.put(key.prefix(), new Entry(key, nanoClock.getAsLong()));
    }

    void invalidate(String prefix) {
        entries.remove(prefix);
    }

    int size() {
        return entries.size();
    }
}
