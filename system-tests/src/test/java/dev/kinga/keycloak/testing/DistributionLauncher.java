package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The distribution Maven unpacked, run with {@code bash bin/kc.sh <arguments>} as a process tree on this machine. */
final class DistributionLauncher implements KeycloakLauncher {

    @Override
    public Running launch(Path home, List<String> arguments, Map<String, String> environment, Path log, int httpPort,
                          int managementPort) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        command.addAll(arguments);
        command.addAll(List.of("--http-port=" + httpPort, "--http-management-port=" + managementPort));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Running() {
            @Override
            public boolean isAlive() {
                return process.isAlive();
            }

            @Override
            public boolean waitFor(Duration timeout) throws InterruptedException {
                return process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            }

            @Override
            public int exitValue() {
                return process.exitValue();
            }

            @Override
            public void stop() {
                stopTree(process);
            }

            @Override
            public void kill() {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        };
    }

    /** SIGTERM to kc.sh and the JVM under it, SIGKILL after 30 s; returns when all of them ended. */
    private static void stopTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                tree.forEach(ProcessHandle::destroyForcibly);
                p.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                h.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
