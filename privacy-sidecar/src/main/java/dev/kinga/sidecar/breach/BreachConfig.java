package dev.kinga.sidecar.breach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code kinga.breach.*}: the register's role and name, and how notices are sent (docs/configuration.md). */
@ConfigMapping(prefix = "kinga.breach")
public interface BreachConfig {

    /** {@code controller} (72 hours to the authority, GDPR Art. 33(1)) or {@code processor} (tell the controller, Art. 33(2)). */
    @WithDefault("controller")
    String registerRole();

    /** The controller's name in the notices. */
    @WithDefault("Kinga")
    String controllerName();

    /** How often the sender looks for queued notices. */
    @WithDefault("5s")
    Duration noticePoll();

    /** Attempts before a notice fails for good. */
    @WithDefault("6")
    int noticeMaxAttempts();

    /** The first retry's delay (doubling after that). */
    @WithDefault("PT30S")
    Duration noticeRetryDelay();

    /** How long a claimed notice is this sidecar's before another may take it over. */
    @WithDefault("PT2M")
    Duration noticeLease();

    /**
     * Send only to addresses Keycloak has as verified (an unverified one may be an attacker's after
     * a takeover), unless the officer who queued the notice allowed unverified ones.
     */
    @WithDefault("true")
    boolean noticeVerifiedAddressesOnly();
}
