package dev.kinga.sidecar.breach;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time the register reads, to the millisecond (as it is stored): the system clock in the
 * service; tests install their own ({@code QuarkusMock}) to move time past a deadline.
 */
@ApplicationScoped
public class BreachClock {

    public Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
