package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a {@link KeycloakServer} runs: the unpacked distribution as a process on this machine
 * ({@link DistributionLauncher}, the default), or another runtime named by
 * {@code -Dkinga.it.launcher=<class>} — the {@code testcontainers} profile's
 * {@code ContainerLauncher} runs the Keycloak image of {@code deploy/keycloak/Dockerfile}. The
 * server hands over kc.sh's arguments and the ports it will call; the launcher makes Keycloak
 * answer there and writes its output to {@code log}.
 */
public interface KeycloakLauncher {

    Running launch(Path home, List<String> arguments, Map<String, String> environment, Path log, int httpPort, int managementPort)
            throws IOException;

    /** A Keycloak that was launched. */
    interface Running {
        boolean isAlive();

        /** Waits up to {@code timeout} for it to end on its own; whether it did. */
        boolean waitFor(Duration timeout) throws InterruptedException;

        int exitValue();

        /** Stops it (gracefully first) and returns once it is gone. */
        void stop();

        /** Ends it at once, as {@code kill -9} does. */
        void kill();
    }

    /** The launcher the run asked for ({@code kinga.it.launcher}), or the distribution. */
    static KeycloakLauncher configured() {
        String name = System.getProperty("kinga.it.launcher", "");
        if (name.isBlank()) {
            return new DistributionLauncher();
        }
        try {
            return (KeycloakLauncher) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("kinga.it.launcher=" + name + " cannot be made (is its Maven profile on?)", e);
        }
    }
}
