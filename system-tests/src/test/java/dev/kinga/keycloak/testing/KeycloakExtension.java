package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Injects the one Keycloak server shared by every IT class of a test run (started on first
 * use, stopped when the run ends), a {@link KeycloakClient} talking to it, and the
 * {@link AuditSink} its audit trail forwards to.
 * <p>
 * The server seeds a copy of realm-config/roles.yaml that also governs realm
 * {@value #CREATED_REALM}, so tests can check seeding on realm creation.
 */
public class KeycloakExtension implements ParameterResolver {

    public static final String CREATED_REALM = "kinga-created";
    /** Token requests one API key may make at once on the shared server. */
    public static final int API_KEY_BURST = 20;
    /** The audit anchor key of the shared server. */
    public static final String AUDIT_ANCHOR_KEYS = "ita1:" + java.util.Base64.getEncoder().encodeToString(
            "kinga-it-audit-anchor-key-32-by!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KeycloakServer.class || type == KeycloakClient.class || type == AuditSink.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // A failed start is remembered too, so the other tests fail at once instead of booting again.
        Object started = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> {
            try {
                return SharedServer.start();
            } catch (RuntimeException e) {
                return e;
            }
        });
        if (started instanceof RuntimeException failure) {
            throw new IllegalStateException("The shared Keycloak could not start: " + failure.getMessage(), failure);
        }
        SharedServer shared = (SharedServer) started;
        Class<?> type = parameter.getParameter().getType();
        return type == KeycloakServer.class ? shared.server : type == AuditSink.class ? shared.sink : shared.client;
    }

    /**
     * The shared server forwards its audit trail to a privacy sidecar on this port too; until a test
     * starts one there, the records wait in the outbox (as they would for a sidecar that is down).
     */
    public static final int INTAKE_PORT = KeycloakServer.freePort();
    /** The key that signs the shared server's deliveries, and that the intake sidecar checks. */
    public static final String INTAKE_KEY = "it-audit-intake-signing-key-0123456789abcdef";

    public static String intakeUrl() {
        return "http://localhost:" + INTAKE_PORT + "/api/v1/audit/events";
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run. */
    static final class SharedServer implements AutoCloseable {
        final KeycloakServer server;
        final KeycloakClient client;
        final AuditSink sink;

        private SharedServer(KeycloakServer server, AuditSink sink) {
            this.server = server;
            this.client = new KeycloakClient(server.baseUrl());
            this.sink = sink;
        }

        static SharedServer start() {
            try {
                Path catalogue = testCatalogue();
                AuditSink sink = new AuditSink(KeycloakServer.freePort());
                sink.up();
                KeycloakServer server = new KeycloakServer("shared", List.of(
                        "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + catalogue,
                        // the test sink, and the privacy sidecar's intake (BreachRegisterIT starts a sidecar there)
                        "--spi-events-listener--kinga-audit--sinks=" + sink.url() + "," + intakeUrl(),
                        "--spi-events-listener--kinga-audit--sink-signing-key=" + INTAKE_KEY,
                        "--spi-events-listener--kinga-audit--sink-batch-size=50", // batches to both (ClusterIT posts one at a time)
                        "--spi-events-listener--kinga-audit--forward-interval-ms=200",
                        "--spi-events-listener--kinga-audit--max-backoff-ms=1000",
                        "--spi-events-listener--kinga-audit--retention-floor-days=0", // the prune tests prune records of today
                        "--spi-events-listener--kinga-audit--anchor-keys=" + AUDIT_ANCHOR_KEYS,
                        "--spi-events-listener--kinga-audit--anchor-interval-minutes=1440", // tests anchor through the API
                        "--spi-events-listener--kinga-audit--anchor-first-delay-seconds=86400", // ... also after a restart
                        "--spi-client-authenticator--kinga-api-key--rate-limit-per-minute=1", // refills too slowly to blur the 429 test
                        "--spi-client-authenticator--kinga-api-key--rate-limit-burst=" + API_KEY_BURST));
                server.deploy();
                server.start();
                return new SharedServer(server, sink);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            server.stop();
            sink.down();
        }
    }

    /** realm-config/roles.yaml, governing {@value #CREATED_REALM} as well. */
    public static Path testCatalogue() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode catalogue = (ObjectNode) yaml.readTree(productionCatalogue().toFile());
        catalogue.withArray("realms").add(CREATED_REALM);
        Path work = Files.createDirectories(Path.of(KeycloakServer.required("kinga.it.work")));
        Path file = work.resolve("roles-it.yaml");
        yaml.writeValue(file.toFile(), catalogue);
        return file;
    }

    public static Path productionCatalogue() {
        return Path.of(KeycloakServer.required("kinga.it.realm-config")).resolve("roles.yaml");
    }
}
