package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two Keycloak nodes of one cluster, as operators run them: {@code kc.sh build} once for
 * production mode, then two {@code start --optimized} processes on their own PostgreSQL database
 * ({@code kinga.it.cluster.db.url}), with Keycloak's Infinispan caches over JGroups and JDBC_PING
 * discovery, each node on its own HTTP, management and JGroups port on 127.0.0.1. The nodes run
 * a copy of the distribution, so the shared test server's build is left alone.
 */
public final class KeycloakCluster implements AutoCloseable {

    private static final Pattern VIEW = Pattern.compile("ISPN000094: Received new cluster view for channel \\S+: \\[[^]]*] \\((\\d+)\\)");
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(90);

    private final List<KeycloakServer> nodes;
    private final List<KeycloakClient> clients;

    private KeycloakCluster(List<KeycloakServer> nodes) {
        this.nodes = nodes;
        this.clients = nodes.stream().map(n -> new KeycloakClient(n.baseUrl())).toList();
    }

    /** Starts two nodes and waits until each sees the other. */
    public static KeycloakCluster start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /** Starts two nodes with these options too (on both) and waits until each sees the other. */
    public static KeycloakCluster start(List<String> extraOptions) throws IOException, InterruptedException {
        KeycloakServer.Database database = KeycloakServer.Database.cluster();
        if (database == null) {
            throw new IllegalStateException("The cluster tests need PostgreSQL: set kinga.it.cluster.db.url (mvn verify -Ppostgres)");
        }
        Path home = Path.of(KeycloakServer.required("kinga.it.work")).resolve("cluster-dist");
        if (!Files.isDirectory(home)) {
            Files.createDirectories(home.getParent()); // ClusterIT may be the run's first test
            run(List.of("cp", "-a", KeycloakServer.required("kinga.it.keycloak.home"), home.toString()), Duration.ofMinutes(2));
        }
        List<KeycloakServer> nodes = new ArrayList<>();
        int port = 7800;
        for (String name : List.of("cluster-a", "cluster-b")) {
            port = jgroupsPort(port);
            List<String> options = new ArrayList<>(List.of(
                    "--hostname-strict=false",
                    "--http-enabled=true",
                    "--proxy-headers=xforwarded", // behind the balancer of the tests that use one
                    "--cache-embedded-network-bind-address=127.0.0.1",
                    "--cache-embedded-network-bind-port=" + port));
            options.addAll(extraOptions);
            nodes.add(new KeycloakServer(name, home, database, List.of("start", "--optimized"), options));
            port++;
        }
        nodes.get(0).deploy(); // providers, realm-config and an empty schema, before the build
        run(List.of("bash", home.resolve("bin/kc.sh").toString(), "build", "--db=postgres", "--health-enabled=true",
                "--metrics-enabled=true"), Duration.ofMinutes(3));
        KeycloakCluster cluster = new KeycloakCluster(nodes);
        try {
            for (KeycloakServer node : nodes) {
                node.start();
            }
            cluster.awaitMembers(nodes.size());
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public KeycloakServer node(int i) {
        return nodes.get(i);
    }

    public KeycloakClient client(int i) {
        return clients.get(i);
    }

    @Override
    public void close() {
        nodes.forEach(KeycloakServer::stop);
    }

    /** Starts a node again (after {@link KeycloakServer#kill()}, say) and waits until both see each other again. */
    public void restart(int i) throws IOException, InterruptedException {
        nodes.get(i).start();
        awaitMembers(nodes.size());
    }

    /** Waits until every node's log shows a cluster view of {@code members}. */
    private void awaitMembers(int members) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(FORM_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            boolean all = true;
            for (KeycloakServer node : nodes) {
                all &= largestView(node.log()) >= members;
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The two Keycloak nodes did not form a cluster within " + FORM_TIMEOUT.toSeconds() + " s");
    }

    private static int largestView(String log) {
        Matcher m = VIEW.matcher(log);
        int largest = 0;
        while (m.find()) {
            largest = Math.max(largest, Integer.parseInt(m.group(1)));
        }
        return largest;
    }

    /** A free port from {@code from} on whose JGroups failure-detection companion (+50000) is free too. */
    private static int jgroupsPort(int from) {
        for (int port = from; port < 15_000; port++) {
            if (free(port) && free(port + 50_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free JGroups port below 15000");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
