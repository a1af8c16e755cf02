package dev.kinga.sidecar.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How the sidecar's background jobs (data-subject requests, breach notices) run on any number of
 * nodes sharing one database: a node claims due rows with {@code FOR UPDATE SKIP LOCKED}, sets a
 * lease and counts the attempt in that claim's own transaction, then does the work outside it. The
 * attempt number is the fence: a node whose lease ran out (and whose job another node took over)
 * finds the row's attempt moved on and writes nothing. A failed attempt is retried after a delay that
 * doubles each time, until the job's maximum attempts.
 */
public final class LeasedJobs {

    /** A job this node holds, and the attempt it is on. */
    public record Claim(String id, int attempt) {
    }

    private LeasedJobs() {
    }

    /**
     * Claims and runs batch after batch until none is left or {@code limit} has passed (so one poll
     * never runs for ever, and the job's other chores still run on time).
     *
     * @param run runs a batch; false stops the drain (the node is shutting down)
     */
    public static void drain(Duration limit, Supplier<List<Claim>> claim, Predicate<List<Claim>> run) {
        Instant until = Instant.now().plus(limit);
        while (Instant.now().isBefore(until)) {
            List<Claim> batch = claim.get();
            if (batch.isEmpty() || !run.test(batch)) {
                return;
            }
        }
    }

    /** The wait before the next attempt after {@code attemptsSoFar} attempts: {@code first}, doubled each time (at most 2^10). */
    public static Duration backoff(Duration first, int attemptsSoFar) {
        return first.multipliedBy(1L << Math.min(10, Math.max(0, attemptsSoFar - 1)));
    }
}
