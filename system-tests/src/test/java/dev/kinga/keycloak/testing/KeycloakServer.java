package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Keycloak 26.7.3 (the distribution unpacked by Maven) run as a separate process with
 * Kinga's jars in {@code providers/} and realm-config imported. Configured by the system
 * properties failsafe sets (see system-tests/pom.xml).
 */
public final class KeycloakServer {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    /** The API key pepper of every test server: fixed, so keys survive a restart (and a DB check can look for it). */
    /** The MFA sealing key of every test server (fixed, so sealed secrets survive a restart). */
    public static final String MFA_SEALING_KEYS = "it1:" + java.util.Base64.getEncoder().encodeToString(
            "kinga-it-sealing-key-32-bytes-!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    public static final String API_KEY_PEPPER = "it-pepper-0123456789abcdef0123456789abcdef";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /** Options whose values are secrets: passed as environment variables ({@code KC_...}). */
    private static final Pattern SECRET_OPTION = Pattern.compile(
            "--(db-password|spi-[a-z-]+--(?:pepper|sealing-keys|anchor-keys|sink-signing-key))=(.*)");

    private final Path home;
    private final Path work;
    private final Database database;
    private final List<String> startCommand;
    private final List<String> extraOptions;
    private final int httpPort;
    private final int managementPort;
    private final Map<String, String> overrides = new java.util.LinkedHashMap<>();
    private String sealingKeys = MFA_SEALING_KEYS;
    private String activeSealingKey;
    private static final KeycloakLauncher LAUNCHER = KeycloakLauncher.configured();
    private KeycloakLauncher.Running process;
    private Path log;
    private int starts;

    /** Where Keycloak keeps its data: the embedded H2 file, or PostgreSQL. */
    public record Database(String kind, String url, String username, String password) {
        /** The cluster tests' own PostgreSQL database ({@code kinga.it.cluster.db.url}), or null when not given. */
        static Database cluster() {
            String url = System.getProperty("kinga.it.cluster.db.url", "");
            return url.isBlank() ? null : new Database("postgres", url,
                    System.getProperty("kinga.it.db.username", ""), System.getProperty("kinga.it.db.password", ""));
        }

        static Database fromSystemProperties() {
            String kind = System.getProperty("kinga.it.db", "dev-file");
            return new Database(kind, System.getProperty("kinga.it.db.url", ""),
                    System.getProperty("kinga.it.db.username", ""), System.getProperty("kinga.it.db.password", ""));
        }

        public boolean postgres() {
            return "postgres".equals(kind);
        }
    }

    public KeycloakServer(String name, List<String> extraOptions) {
        this(name, Path.of(required("kinga.it.keycloak.home")), Database.fromSystemProperties(), List.of("start-dev"), extraOptions);
    }

    /**
     * A server of another distribution copy, database or start command: {@code start-dev}, or
     * {@code start --optimized} for a node of a cluster (see {@link KeycloakCluster}).
     */
    KeycloakServer(String name, Path home, Database database, List<String> startCommand, List<String> extraOptions) {
        this.home = home;
        this.work = Path.of(required("kinga.it.work")).resolve(name);
        this.database = database;
        this.startCommand = List.copyOf(startCommand);
        this.extraOptions = List.copyOf(extraOptions);
        this.httpPort = freePort();
        this.managementPort = freePort();
    }

    public static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the ITs through Maven (mvn verify)");
        }
        return value;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public Database database() {
        return database;
    }

    /** Deploys the jars and realm-config into the distribution; a fresh embedded database. */
    public void deploy() throws IOException {
        Files.createDirectories(work);
        Path providers = home.resolve("providers");
        for (String jar : required("kinga.it.deployments").split(",")) {
            Path source = Path.of(jar.strip());
            if (!Files.isRegularFile(source)) {
                throw new IllegalStateException("Deployment " + source + " is missing: build with mvn verify");
            }
            Files.copy(source, providers.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        deleteRecursively(home.resolve("data"));
        if (database.postgres()) {
            resetPostgres();
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Path realmConfig = Path.of(required("kinga.it.realm-config"));
        for (String file : List.of("kinga-realm.json", "kinga-users-0.json")) {
            Files.copy(realmConfig.resolve(file), imports.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Starts the server and waits until it is ready; fails with the log's tail if it does not become ready. */
    public void start() throws IOException, InterruptedException {
        KeycloakLauncher.Running started = launch();
        if (!awaitReady(started)) {
            String tail = tail(50);
            started.kill();
            throw new IllegalStateException("Keycloak did not become ready; last log lines:\n" + tail);
        }
        process = started;
    }

    /**
     * Starts the server expecting it to fail, and returns its exit code and log. Used for
     * configurations that must stop startup.
     */
    public StartFailure startExpectingFailure() throws IOException, InterruptedException {
        KeycloakLauncher.Running started = launch();
        boolean exited = started.waitFor(START_TIMEOUT);
        if (!exited) {
            started.stop();
            throw new AssertionError("Keycloak kept running although startup should have failed");
        }
        return new StartFailure(started.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    public record StartFailure(int exitCode, String log) {
    }

    /**
     * Restarts with other MFA sealing keys (a rotation); the server keeps them for the rest of the
     * run, so they must still list {@link #MFA_SEALING_KEYS}' key.
     */
    public void restartWithSealingKeys(String keys, String activeKeyId) throws IOException, InterruptedException {
        this.sealingKeys = keys;
        this.activeSealingKey = activeKeyId;
        restart();
    }

    /** Restarts with these values for options the server was created with ({@code --name} → value); null restores. */
    public void restartWithOptions(Map<String, String> changed) throws IOException, InterruptedException {
        changed.forEach((name, value) -> {
            if (value == null) {
                overrides.remove(name);
            } else {
                overrides.put(name, value);
            }
        });
        restart();
    }

    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    public void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    /** Ends the server at once, as {@code kill -9} does (no shutdown: what was in flight is cut off). */
    public void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** The log of the current (latest) start. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private KeycloakLauncher.Running launch() throws IOException {
        starts++;
        Files.createDirectories(work);
        log = work.resolve("keycloak-" + starts + ".log");
        List<String> command = new ArrayList<>(startCommand);
        command.addAll(List.of(
                "--health-enabled=true",
                "--metrics-enabled=true", // every server of a run has the same build options: no re-augmentation
                "--import-realm"));
        command.addAll(List.of("--db-url=" + jdbcUrl(), "--db-username=" + dbUser(), "--db-password=" + dbPassword()));
        if (database.postgres()) {
            command.add("--db=postgres");
        }
        command.add("--spi-client-authenticator--kinga-api-key--pepper=" + API_KEY_PEPPER);
        command.add("--spi-credential--kinga-totp--sealing-keys=" + sealingKeys);
        if (activeSealingKey != null) {
            command.add("--spi-credential--kinga-totp--active-key-id=" + activeSealingKey);
        }
        for (String option : extraOptions) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            command.add(overrides.containsKey(name) ? name + "=" + overrides.get(name) : option);
        }
        Map<String, String> env = new HashMap<>(Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER,
                "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD, "JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g"));
        // Secrets go to Keycloak as KC_* environment variables, not arguments (ps shows arguments to everyone).
        List<String> arguments = new ArrayList<>();
        for (String option : command) {
            Matcher secret = SECRET_OPTION.matcher(option);
            if (secret.matches()) {
                env.put("KC_" + secret.group(1).replace("--", "__").replace('-', '_').toUpperCase(Locale.ROOT), secret.group(2));
            } else {
                arguments.add(option);
            }
        }
        return LAUNCHER.launch(home, arguments, env, log, httpPort, managementPort);
    }

    private boolean awaitReady(KeycloakLauncher.Running started) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline) && started.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        return false;
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * The embedded database runs with AUTO_SERVER, so tests can open it while Keycloak holds it
     * (to look for plaintext secrets, or to tamper with rows as an attacker would).
     */
    public String jdbcUrl() {
        return database.postgres() ? database.url()
                : "jdbc:h2:file:" + home.resolve("data/h2/keycloakdb") + ";NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE";
    }

    private String dbUser() {
        return database.postgres() ? database.username() : "kinga";
    }

    private String dbPassword() {
        return database.postgres() ? database.password() : "kinga";
    }

    /** A connection to Keycloak's database; the caller closes it. */
    public Connection openDatabase() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), dbUser(), dbPassword());
    }

    /** Every run starts from an empty schema, as the embedded database does. */
    private void resetPostgres() {
        try (Connection c = DriverManager.getConnection(database.url(), database.username(), database.password());
             Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reset PostgreSQL at " + database.url() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A port that is free now and stays free: taken below Linux's ephemeral range (32768 on), so the
     * outgoing connections of this run's processes cannot take it between this call and the bind of
     * the server it is for (a port from {@code new ServerSocket(0)} could, and once did), and never
     * handed out twice in one run.
     */
    public static int freePort() {
        while (true) {
            int port = NEXT_PORT.getAndIncrement();
            if (port >= LAST_PORT) {
                throw new IllegalStateException("no free port left between 20000 and " + LAST_PORT);
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // in use by something else on the machine: try the next one
            }
        }
    }

    private static final int LAST_PORT = 32_000;
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(20_000 + (int) (ProcessHandle.current().pid() % 60) * 100);

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
