package dev.kinga.keycloak.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and the Dockerfiles, checked offline (no Docker engine runs here): every file
 * they refer to exists or is what a module of this repository builds, every variable is in
 * .env.example and every variable there is used, and nothing runs Keycloak in development mode.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)");
    /** {@code <module>/target/<file>}: what `mvn package` makes. */
    private static final Pattern BUILT = Pattern.compile("(keycloak-providers|themes|privacy-sidecar)/target/(.+)");

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void keycloakIsBuiltForProductionAndStartedOptimized() throws IOException {
        String composeText = Files.readString(ROOT.resolve("docker-compose.yml"));
        String dockerfile = Files.readString(ROOT.resolve("deploy/keycloak/Dockerfile"));
        assertFalse(composeText.contains("start-dev") || dockerfile.contains("start-dev"), "no development mode");
        assertTrue(dockerfile.contains("kc.sh build"), "an optimized image");
        assertTrue(dockerfile.contains("\"start\", \"--optimized\""), dockerfile);
        assertTrue(dockerfile.contains("KC_DB=postgres"), "built for PostgreSQL");
        JsonNode keycloak = compose().path("services").path("keycloak");
        assertEquals("xforwarded", keycloak.path("environment").path("KC_PROXY_HEADERS").asText(), "behind the TLS proxy");
        assertTrue(keycloak.path("environment").path("KC_HOSTNAME").asText().startsWith("https://"));
        assertEquals("service_healthy", keycloak.at("/depends_on/postgres/condition").asText());
        assertTrue(compose().at("/services/postgres/healthcheck/test").toString().contains("pg_isready"));
    }

    @Test
    void theProxyTerminatesTlsAndKeycloakBelievesOnlyTheForwardedHeadersItSets() throws IOException {
        String proxy = Files.readString(ROOT.resolve("deploy/proxy/haproxy.cfg"));
        assertTrue(proxy.contains("ssl crt /etc/haproxy/certs/kinga.pem"), "TLS ends at the proxy");
        assertTrue(proxy.contains("Strict-Transport-Security"), "HSTS");
        assertTrue(proxy.contains("redirect location https://"), "plain HTTP is sent to HTTPS");
        for (String config : List.of(proxy, Files.readString(ROOT.resolve("deploy/cluster/haproxy.cfg")))) {
            assertTrue(config.contains("http-request set-header X-Forwarded-For %[src]"), "a client's own X-Forwarded-For is replaced");
            assertTrue(config.contains("http-request del-header Forwarded"));
            assertFalse(config.contains("option forwardfor"), "forwardfor appends to what the client sent");
        }
        assertTrue(proxy.contains("path_reg -i audit/+events") && proxy.contains("path_sub .."), "the audit intake is not reachable from outside");
        JsonNode keycloak = compose().path("services").path("keycloak").path("environment");
        assertEquals("true", keycloak.path("KC_HOSTNAME_BACKCHANNEL_DYNAMIC").asText(), "the sidecar calls Keycloak inside the network");
        assertFalse(keycloak.path("KC_PROXY_TRUSTED_ADDRESSES").asText().isBlank(), "only the proxy's headers are believed");
    }

    @Test
    void healthChecksThatUseDevTcpRunInBash() throws IOException {
        List<String> wrong = new ArrayList<>();
        compose().path("services").fields().forEachRemaining(service -> {
            JsonNode test = service.getValue().at("/healthcheck/test");
            if (test.toString().contains("/dev/tcp") && !(test.get(0).asText().equals("CMD") && test.get(1).asText().equals("bash"))) {
                wrong.add(service.getKey()); // CMD-SHELL is /bin/sh, which is dash in Debian and Ubuntu images: no /dev/tcp
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyFileTheStackNeedsExistsOrIsBuiltByAModule() throws IOException {
        JsonNode services = compose().path("services");
        List<String> missing = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            JsonNode build = service.getValue().path("build");
            if (!build.isMissingNode()) {
                Path dockerfile = ROOT.resolve(build.path("context").asText(".")).resolve(build.path("dockerfile").asText("Dockerfile"));
                if (!Files.isRegularFile(dockerfile)) {
                    missing.add(service.getKey() + ": " + dockerfile);
                } else {
                    missing.addAll(copiedSources(dockerfile));
                }
            }
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./") && !exists(source)) {
                    missing.add(service.getKey() + ": " + source);
                }
            }
        });
        assertEquals(List.of(), missing);
        assertTrue(Files.isExecutable(ROOT.resolve("deploy/postgres/create-databases.sh")), "PostgreSQL runs its init scripts");
    }

    @Test
    void everyVariableIsInTheExampleAndEveryExampleVariableIsUsed() throws IOException {
        Set<String> used = new TreeSet<>();
        Matcher m = VARIABLE.matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (line.matches("[A-Z0-9_]+=.*")) {
                documented.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertEquals(used, documented);
        assertTrue(Files.readString(ROOT.resolve(".gitignore")).lines().anyMatch(".env"::equals), "a filled-in .env is never committed");
    }

    /** COPY sources of a Dockerfile (build context: the repository root) that neither exist nor are built. */
    private static List<String> copiedSources(Path dockerfile) {
        List<String> missing = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                if (line.startsWith("COPY ") && !line.contains("--from=")) {
                    String[] parts = line.replaceAll("--chown=\\S+", "").trim().split("\\s+");
                    for (int i = 1; i < parts.length - 1; i++) {
                        if (!exists(parts[i])) {
                            missing.add(ROOT.relativize(dockerfile) + ": " + parts[i]);
                        }
                    }
                }
            }
        } catch (IOException e) {
            missing.add(dockerfile + ": " + e.getMessage());
        }
        return missing;
    }

    /**
     * A repository file, or a build output: the module's jar named after its artifact id and the
     * repository's version, or the sidecar's quarkus-app folder.
     */
    private static boolean exists(String path) {
        String relative = path.startsWith("./") ? path.substring(2) : path;
        if (Files.exists(ROOT.resolve(relative))) {
            return true;
        }
        Matcher built = BUILT.matcher(relative.replaceAll("/$", ""));
        if (!built.matches()) {
            return false;
        }
        String version = "0.1.0-SNAPSHOT";
        return switch (built.group(1)) {
            case "keycloak-providers" -> built.group(2).equals("kinga-keycloak-providers-" + version + ".jar");
            case "themes" -> built.group(2).equals("kinga-themes-" + version + ".jar");
            default -> built.group(2).startsWith("quarkus-app");
        };
    }

    @Test
    void theVersionTheFilesNameIsTheRepositorysVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<version>0.1.0-SNAPSHOT</version>"), "update deploy/ and this test when the version changes");
    }
}
