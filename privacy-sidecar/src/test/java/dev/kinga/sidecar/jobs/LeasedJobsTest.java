package dev.kinga.sidecar.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeasedJobsTest {

    @Test
    void theWaitDoublesAfterEachFailedAttemptUpToTwoToTheTenth() {
        Duration first = Duration.ofSeconds(10);
        assertEquals(Duration.ofSeconds(10), LeasedJobs.backoff(first, 1));
        assertEquals(Duration.ofSeconds(20), LeasedJobs.backoff(first, 2));
        assertEquals(Duration.ofSeconds(80), LeasedJobs.backoff(first, 4));
        assertEquals(Duration.ofSeconds(10 * 1024), LeasedJobs.backoff(first, 11));
        assertEquals(Duration.ofSeconds(10 * 1024), LeasedJobs.backoff(first, 500), "no overflow, no endless growth");
        assertEquals(first, LeasedJobs.backoff(first, 0));
    }

    @Test
    void aDrainRunsBatchesUntilNoneIsLeftOrTheRunnerStops() {
        Deque<List<LeasedJobs.Claim>> queue = new ArrayDeque<>(List.of(
                List.of(new LeasedJobs.Claim("a", 1), new LeasedJobs.Claim("b", 1)), List.of(new LeasedJobs.Claim("c", 2))));
        List<String> ran = new ArrayList<>();
        LeasedJobs.drain(Duration.ofMinutes(1), () -> queue.isEmpty() ? List.of() : queue.pop(), batch -> {
            batch.forEach(c -> ran.add(c.id()));
            return true;
        });
        assertEquals(List.of("a", "b", "c"), ran);

        queue.addAll(List.of(List.of(new LeasedJobs.Claim("d", 1)), List.of(new LeasedJobs.Claim("e", 1))));
        List<String> stopped = new ArrayList<>();
        LeasedJobs.drain(Duration.ofMinutes(1), queue::pop, batch -> {
            batch.forEach(c -> stopped.add(c.id()));
            return false; // shutting down
        });
        assertEquals(List.of("d"), stopped, "nothing claimed after the runner says stop");
        assertEquals(1, queue.size());

        LeasedJobs.drain(Duration.ZERO, () -> {
            throw new AssertionError("a spent time limit claims nothing");
        }, batch -> true);
    }
}
