package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy from Debian in front of the two Keycloak nodes and two sidecars, with the balancer
 * configuration {@code ./kinga cluster} ships ({@code deploy/cluster/haproxy.cfg}), on free ports.
 */
public final class Balancer implements AutoCloseable {

    public static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path TEMPLATE = Path.of(KeycloakServer.required("kinga.it.realm-config")).resolve("../deploy/cluster/haproxy.cfg");

    private final Process process;
    private final int keycloakPort;
    private final int sidecarPort;
    private final int statsPort;

    private Balancer(Process process, int keycloakPort, int sidecarPort, int statsPort) {
        this.process = process;
        this.keycloakPort = keycloakPort;
        this.sidecarPort = sidecarPort;
        this.statsPort = statsPort;
    }

    /**
     * Starts HAProxy before the nodes the ports name and waits until it listens. Sidecar ports may
     * be of sidecars not started yet (their health checks fail until they are).
     */
    public static Balancer start(KeycloakServer a, KeycloakServer b, int sidecarA, int sidecarAManagement, int sidecarB,
                                 int sidecarBManagement) throws IOException, InterruptedException {
        int keycloakPort = KeycloakServer.freePort();
        int sidecarPort = KeycloakServer.freePort();
        int statsPort = KeycloakServer.freePort();
        String config = Files.readString(TEMPLATE);
        for (Map.Entry<String, String> value : Map.ofEntries(
                Map.entry("BIND", "127.0.0.1"),
                Map.entry("KEYCLOAK_PORT", Integer.toString(keycloakPort)),
                Map.entry("SIDECAR_PORT", Integer.toString(sidecarPort)),
                Map.entry("STATS_PORT", Integer.toString(statsPort)),
                Map.entry("NODE_A_PORT", port(a.baseUrl())),
                Map.entry("NODE_A_MANAGEMENT_PORT", port(a.managementUrl())),
                Map.entry("NODE_B_PORT", port(b.baseUrl())),
                Map.entry("NODE_B_MANAGEMENT_PORT", port(b.managementUrl())),
                Map.entry("SIDECAR_A_PORT", Integer.toString(sidecarA)),
                Map.entry("SIDECAR_A_MANAGEMENT_PORT", Integer.toString(sidecarAManagement)),
                Map.entry("SIDECAR_B_PORT", Integer.toString(sidecarB)),
                Map.entry("SIDECAR_B_MANAGEMENT_PORT", Integer.toString(sidecarBManagement))).entrySet()) {
            config = config.replace("${" + value.getKey() + "}", value.getValue());
        }
        Path work = Files.createDirectories(Path.of(KeycloakServer.required("kinga.it.work")).resolve("balancer"));
        Files.writeString(work.resolve("haproxy.cfg"), config);
        Process process = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", work.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("haproxy.log").toFile()).start();
        Balancer balancer = new Balancer(process, keycloakPort, sidecarPort, statsPort);
        balancer.awaitListening();
        return balancer;
    }

    private static String port(String url) {
        return Integer.toString(URI.create(url).getPort());
    }

    /** Keycloak through the balancer. */
    public String keycloakUrl() {
        return "http://localhost:" + keycloakPort;
    }

    /** The sidecars through the balancer. */
    public String sidecarUrl() {
        return "http://localhost:" + sidecarPort;
    }

    /** Waits until HAProxy's health checks see {@code server} of {@code backend} as fully up (or down). */
    public void awaitServer(String backend, String server, boolean up) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            String csv = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + statsPort + "/;csv")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            // the stats CSV's 18th field is the server's status: UP, DOWN, or "UP 1/2" / "DOWN 1/2" on the way
            String wanted = up ? "UP" : "DOWN";
            boolean there = csv.lines().map(l -> l.split(",", -1))
                    .anyMatch(f -> f.length > 17 && f[0].equals(backend) && f[1].equals(server) && f[17].equals(wanted));
            if (there) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("HAProxy never saw " + backend + "/" + server + (up ? " up" : " down"));
    }

    private void awaitListening() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + statsPort + "/")).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("HAProxy did not start (see it-work/balancer/haproxy.log)");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
