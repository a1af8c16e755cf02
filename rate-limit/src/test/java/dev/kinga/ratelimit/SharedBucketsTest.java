package dev.kinga.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedBucketsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong wall = new AtomicLong(1_790_000_000_000L);
    private final MemoryLedger ledger = new MemoryLedger();

    private SharedBuckets node() {
        return new SharedBuckets("test", 60, 5, 1000, nanos::get, wall::get);
    }

    private static int admitted(SharedBuckets buckets, String caller, int tries) {
        int admitted = 0;
        for (int i = 0; i < tries; i++) {
            if (buckets.acquire(caller) == 0) {
                admitted++;
            }
        }
        return admitted;
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(seconds * 1_000_000_000L);
        wall.addAndGet(seconds * 1000);
    }

    @Test
    void oneNodeAdmitsTheBurstThenRefillsAtTheRate() {
        SharedBuckets a = node();
        assertEquals(5, admitted(a, "key-1", 10));
        long wait = a.acquire("key-1");
        assertTrue(wait > 0 && wait <= 1_000_000_000L, "about a second until the next of 60 a minute: " + wait);
        advanceSeconds(2);
        assertEquals(2, admitted(a, "key-1", 10));
        assertEquals(5, admitted(a, "key-2", 10), "keys have their own buckets");
    }

    @Test
    void twoNodesTogetherAdmitTheLimitOnceTheyHaveSynced() {
        SharedBuckets a = node();
        SharedBuckets b = node();
        assertEquals(5, admitted(a, "key", 5));
        a.sync(ledger);
        b.sync(ledger);
        assertEquals(0, admitted(b, "key", 5), "node B has been charged what node A admitted");
        assertFalse(b.hasToken("key"));

        SharedBuckets unsynced = node();
        assertEquals(5, admitted(unsynced, "key", 5), "without the ledger a node would admit its own burst");
    }

    @Test
    void anAdmissionIsChargedOnceHoweverOftenTheNodesSync() {
        SharedBuckets a = node();
        SharedBuckets b = node();
        assertEquals(2, admitted(a, "key", 2));
        a.sync(ledger);
        b.sync(ledger);
        a.sync(ledger);
        b.sync(ledger);
        assertEquals(3, admitted(b, "key", 10), "5 less the 2 node A admitted, not less 4");
        b.sync(ledger);
        a.sync(ledger);
        assertEquals(0, admitted(a, "key", 10), "node A sees node B's 3 once: 5 - 2 - 3");
    }

    @Test
    void aNodeThatStartsLaterIsChargedWhatTheOthersAdmittedThisMinute() {
        SharedBuckets a = node();
        assertEquals(5, admitted(a, "key", 5));
        a.sync(ledger);
        SharedBuckets restarted = node();
        restarted.sync(ledger);
        assertEquals(0, admitted(restarted, "key", 5), "a restart does not refill the caller's bucket");
    }

    @Test
    void admissionsAFailedSyncCouldNotWriteAreWrittenByTheNext() {
        SharedBuckets a = node();
        SharedBuckets b = node();
        assertEquals(4, admitted(a, "key", 4));
        ledger.failing.set(true);
        assertThrows(IllegalStateException.class, () -> a.sync(ledger));
        ledger.failing.set(false);
        a.sync(ledger);
        b.sync(ledger);
        assertEquals(1, admitted(b, "key", 5));
    }

    @Test
    void theLedgerHoldsDigestsOfTheCallersNotTheCallersAndForgetsOldMinutes() {
        SharedBuckets a = node();
        admitted(a, "address:192.0.2.7", 1);
        a.sync(ledger);
        assertEquals(1, ledger.rows.size());
        String stored = ledger.rows.keySet().iterator().next().key();
        assertFalse(stored.contains("192.0.2.7"));
        assertEquals(SharedBuckets.ledgerKey("address:192.0.2.7"), stored);

        advanceSeconds(180);
        a.sync(ledger);
        assertTrue(ledger.rows.isEmpty(), "rows older than two minutes are deleted: " + ledger.rows);
    }

    @Test
    void limitsOfDifferentNamesDoNotChargeEachOther() {
        SharedBuckets tokens = new SharedBuckets("tokens", 60, 5, 1000, nanos::get, wall::get);
        SharedBuckets intake = new SharedBuckets("intake", 60, 5, 1000, nanos::get, wall::get);
        assertEquals(5, admitted(tokens, "key", 5));
        tokens.sync(ledger);
        intake.sync(ledger);
        assertEquals(5, admitted(intake, "key", 5));
    }

    @Test
    void anInvalidLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SharedBuckets("x", 0, 5, 10, nanos::get, wall::get));
        assertThrows(IllegalArgumentException.class, () -> new SharedBuckets("x", 5, 0, 10, nanos::get, wall::get));
    }

    /** The ledger a database holds, in memory: one row per limiter, node, key and minute. */
    private static final class MemoryLedger implements TakeLedger {
        record Row(String limiter, String node, String key, long minute) {
        }

        final Map<Row, Long> rows = new HashMap<>();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public void publish(String limiter, String node, long minute, Map<String, Long> takes) {
            if (failing.get()) {
                throw new IllegalStateException("database unavailable");
            }
            takes.forEach((key, count) -> rows.put(new Row(limiter, node, key, minute), count));
        }

        @Override
        public List<Takes> others(String limiter, String node, long fromMinute) {
            List<Takes> others = new ArrayList<>();
            rows.forEach((row, count) -> {
                if (row.limiter().equals(limiter) && !row.node().equals(node) && row.minute() >= fromMinute) {
                    others.add(new Takes(row.node(), row.key(), row.minute(), count));
                }
            });
            return others;
        }

        @Override
        public void forget(String limiter, long beforeMinute) {
            rows.keySet().removeIf(row -> row.limiter().equals(limiter) && row.minute() < beforeMinute);
        }
    }
}
