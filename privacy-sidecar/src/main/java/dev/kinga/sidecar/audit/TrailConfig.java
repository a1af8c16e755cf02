package dev.kinga.sidecar.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code kinga.audit.*}: where the sidecar's own trail is forwarded ({@link TrailForwarder}). */
@ConfigMapping(prefix = "kinga.audit")
public interface TrailConfig {

    /** The sinks' URLs; none keeps the trail in the database only (a warning at start). */
    Optional<List<String>> sinks();

    /** How long one delivery may take. */
    @WithDefault("5s")
    Duration sinkTimeout();

    /** How often the forwarder runs. */
    @WithDefault("1s")
    Duration forwardInterval();
}
