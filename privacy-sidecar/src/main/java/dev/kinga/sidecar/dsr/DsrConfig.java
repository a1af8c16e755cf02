package dev.kinga.sidecar.dsr;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code kinga.dsr.*}: how data-subject requests are run (docs/configuration.md). */
@ConfigMapping(prefix = "kinga.dsr")
public interface DsrConfig {

    /** Days an erasure waits, the person's account on hold, before it runs (GDPR Art. 17 with a chance to cancel). */
    @WithDefault("21")
    int erasureGraceDays();

    /** The longest grace an officer may set. */
    @WithDefault("90")
    int maxGraceDays();

    /** How often the worker looks for jobs. */
    @WithDefault("2s")
    Duration pollInterval();

    /** Jobs run at once on this sidecar. */
    @WithDefault("4")
    int workers();

    /** How long a claimed job is this sidecar's before another may take it over. */
    @WithDefault("PT5M")
    Duration lease();

    /** Attempts before a job fails for good. */
    @WithDefault("8")
    int maxAttempts();

    /** The first retry's delay (doubling after that). */
    @WithDefault("PT10S")
    Duration retryDelay();

    /** How long an export archive can be downloaded. */
    @WithDefault("PT24H")
    Duration archiveTtl();

    /** How long one drain of the queue may run before it lets the next poll start. */
    @WithDefault("PT50S")
    Duration drainLimit();
}
