package dev.kinga.keycloak.testing.containers;

import dasniko.testcontainers.keycloak.ExtendableKeycloakContainer;
import dev.kinga.keycloak.testing.KeycloakLauncher;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the ITs' Keycloak as the image {@code deploy/keycloak/Dockerfile} builds
 * ({@code kinga.it.keycloak.image}, default {@code kinga/keycloak:0.1.0}), through
 * testcontainers-keycloak: production mode, {@code --optimized}, on the host ports the harness
 * calls, with the harness's options (one part each) and environment. Addresses on this machine
 * that the options name (the database, the audit sinks) are rewritten to the host as the container
 * sees it, and files they name (the role catalogue) are copied in, with the dev-only demo users.
 * The providers are the image's: build it from the jars under test. Needs a Docker engine, and
 * PostgreSQL (the image is built for it; the embedded database would live inside the container).
 */
public final class ContainerLauncher implements KeycloakLauncher {

    private static final Pattern LOCAL = Pattern.compile("(localhost|127\\.0\\.0\\.1):(\\d+)");
    /** Options the container sets itself, or that the image's build fixed. */
    private static final Set<String> OWN = Set.of("start-dev", "start", "--optimized", "--health-enabled", "--metrics-enabled", "--db");

    @Override
    public Running launch(Path home, List<String> arguments, Map<String, String> environment, Path log, int httpPort,
                          int managementPort) {
        KingaKeycloak container = new KingaKeycloak(System.getProperty("kinga.it.keycloak.image", "kinga/keycloak:0.1.0"),
                httpPort, managementPort);
        container.withProductionMode().withOptimizedFlag().withEnabledMetrics()
                .withAdminUsername(environment.get("KC_BOOTSTRAP_ADMIN_USERNAME"))
                .withAdminPassword(environment.get("KC_BOOTSTRAP_ADMIN_PASSWORD"))
                .withStartupTimeout(Duration.ofMinutes(4))
                .withLogConsumer(frame -> append(log, frame));
        environment.forEach(container::withEnv); // the secrets travel as KC_* variables, as on the host
        // The dev-only demo users the ITs sign in as (the image carries realm-config's realm only).
        Path users = Path.of(System.getProperty("kinga.it.realm-config", "realm-config")).resolve("kinga-users-0.json");
        container.withCopyFileToContainer(MountableFile.forHostPath(users), "/opt/keycloak/data/import/kinga-users-0.json");
        for (String argument : arguments) {
            String name = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            if (!OWN.contains(name)) {
                container.withCustomCommand(reachHost(fileInContainer(container, argument))); // one option per part
            }
        }
        container.start();
        return new Running() {
            @Override
            public boolean isAlive() {
                return container.isRunning();
            }

            @Override
            public boolean waitFor(Duration timeout) throws InterruptedException {
                Instant deadline = Instant.now().plus(timeout);
                while (container.isRunning() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                }
                return !container.isRunning();
            }

            @Override
            public int exitValue() {
                Long code = container.getCurrentContainerInfo().getState().getExitCodeLong();
                return code == null ? -1 : code.intValue();
            }

            @Override
            public void stop() {
                container.stop();
            }

            @Override
            public void kill() {
                container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
            }
        };
    }

    /** An option whose value is a file on this machine (the role catalogue), with the file copied in. */
    private static String fileInContainer(KingaKeycloak container, String argument) {
        int eq = argument.indexOf('=');
        if (eq < 0) {
            return argument;
        }
        Path file = Path.of(argument.substring(eq + 1));
        if (!file.isAbsolute() || !Files.isRegularFile(file)) {
            return argument;
        }
        String target = "/opt/kinga/it/" + file.getFileName();
        container.withCopyFileToContainer(MountableFile.forHostPath(file), target);
        return argument.substring(0, eq + 1) + target;
    }

    /** An address on this machine, as the container reaches it (the port exposed to it). */
    private static String reachHost(String argument) {
        Matcher m = LOCAL.matcher(argument);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Testcontainers.exposeHostPorts(Integer.parseInt(m.group(2)));
            m.appendReplacement(out, "host.testcontainers.internal:" + m.group(2));
        }
        return m.appendTail(out).toString();
    }

    private static void append(Path log, OutputFrame frame) {
        try {
            Files.writeString(log, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Kinga image on the host ports the harness calls: 8080 and the management port 9000. */
    static final class KingaKeycloak extends ExtendableKeycloakContainer<KingaKeycloak> {
        KingaKeycloak(String image, int httpPort, int managementPort) {
            super(image);
            addFixedExposedPort(httpPort, 8080);
            addFixedExposedPort(managementPort, 9000);
        }
    }
}
