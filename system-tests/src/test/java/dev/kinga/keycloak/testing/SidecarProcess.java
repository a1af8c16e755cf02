package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built privacy sidecar (its production jar) as a separate process trusting the shared
 * Keycloak's realm kinga, on its own ports and database (H2 in its work folder, or the run's
 * PostgreSQL database in the postgres profile, emptied before the run's first sidecar; H2 starts
 * empty at each {@link #start}). It can be killed hard ({@code kill -9}) and
 * started again on the same port and data.
 */
public final class SidecarProcess implements AutoCloseable {

    public static final String HASH_KEY = "it-hash-key-0123456789-0123456789-abcdef";
    public static final String VAULT_KEYS = "it1:aXQtdmF1bHQta2V5LTAxMjM0NTY3ODktMDEyMzQ1Njc=";

    private final Path work;
    private final Map<String, String> env;
    private final int port;
    private final String managementUrl;
    private Process process;

    private SidecarProcess(Path work, Map<String, String> env, int port, int managementPort) {
        this.work = work;
        this.env = env;
        this.port = port;
        this.managementUrl = "http://localhost:" + managementPort;
    }

    /** Starts a sidecar named {@code name} (its work folder), with {@code extra} environment on top of the defaults. */
    public static SidecarProcess start(KeycloakServer keycloak, String name, Map<String, String> extra) throws IOException, InterruptedException {
        Path app = Path.of(KeycloakServer.required("kinga.it.sidecar.app"));
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException("build the sidecar first (mvn verify builds it): " + app);
        }
        Path work = Files.createDirectories(Path.of(KeycloakServer.required("kinga.it.work")).resolve(name));
        int port = KeycloakServer.freePort();
        int managementPort = KeycloakServer.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("KINGA_SIDECAR_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("KINGA_KEYCLOAK_URL", keycloak.baseUrl());
        env.put("KINGA_PII_HASH_KEY", HASH_KEY);
        env.put("KINGA_PII_VAULT_KEYS", VAULT_KEYS);
        // The sidecar signs in to Keycloak with its own key (private_key_jwt), registered on client kinga-sidecar.
        SidecarClientKey.register(new KeycloakClient(keycloak.baseUrl()));
        env.put("KINGA_KEYCLOAK_CLIENT_KEY_FILE", SidecarClientKey.writePrivateKey(work).toString());
        String pgUrl = System.getProperty("kinga.it.sidecar.db.url", "");
        if (keycloak.database().postgres() && !pgUrl.isBlank()) {
            resetOnce(pgUrl, keycloak.database().username(), keycloak.database().password());
            env.put("KINGA_SIDECAR_DB_URL", pgUrl);
            env.put("KINGA_SIDECAR_DB_USERNAME", keycloak.database().username());
            env.put("KINGA_SIDECAR_DB_PASSWORD", keycloak.database().password());
        } else {
            deleteTree(work.resolve("db")); // a run starts from an empty database; restart() keeps it
            env.put("KINGA_SIDECAR_DB_URL", "jdbc:h2:file:" + work.resolve("db/sidecar") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        }
        env.putAll(extra); // QUARKUS_HTTP_PORT among them fixes the port (the shared server's audit intake)
        SidecarProcess sidecar = new SidecarProcess(work, env, Integer.parseInt(env.get("QUARKUS_HTTP_PORT")), managementPort);
        sidecar.launch();
        return sidecar;
    }

    private static boolean postgresReset;

    /** Empties a sidecar database of the run's own (the cluster tests' sidecars share one). */
    public static void resetDatabase(String url, String username, String password) {
        try (Connection c = DriverManager.getConnection(url, username, password);
             Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reset the sidecar's PostgreSQL database at " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first sidecar of a run starts from an empty schema, as on H2: the sidecar module's own
     * tests leave their rows (and a trail chained under their test key) in the same database.
     * Later sidecars of the run share what the first one made, as sidecars on one database do.
     */
    private static synchronized void resetOnce(String url, String username, String password) {
        if (postgresReset) {
            return;
        }
        resetDatabase(url, username, password);
        postgresReset = true;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public String log() throws IOException {
        return Files.readString(work.resolve("sidecar.log"));
    }

    /** {@code kill -9}: no shutdown hook runs, work in flight is cut off. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Starts again on the same port and data, with these environment variables changed. */
    public void restart(Map<String, String> changed) throws IOException, InterruptedException {
        env.putAll(changed);
        restart();
    }

    /** Starts again on the same port and data. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            close();
        }
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", KeycloakServer.required("kinga.it.sidecar.app"))
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("sidecar.log").toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        KeycloakClient http = new KeycloakClient(url());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            try {
                if (http.send("GET", managementUrl + "/q/health/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("sidecar did not start: " + log());
            }
            Thread.sleep(300);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
