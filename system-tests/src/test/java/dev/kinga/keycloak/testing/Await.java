package dev.kinga.keycloak.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Polls a condition of the real stack until it holds; fails the test, naming what was awaited, when time runs out. */
public final class Await {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Await() {
    }

    /** Waits up to 60 s for {@code condition}. */
    public static void until(BooleanSupplier condition, String what) {
        until(condition, what, DEFAULT_TIMEOUT);
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
