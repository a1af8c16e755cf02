package dev.kinga.keycloak.roles;

import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A malformed catalogue stops Keycloak at startup, naming the file and the entry. */
@ExtendWith(KeycloakExtension.class)
class InvalidCatalogueIT {

    @Test
    void malformedCatalogueStopsStartupNamingTheEntry(KeycloakServer shared) throws Exception {
        // The shared server has deployed Kinga into the distribution; a second one starts beside it.
        String good = Files.readString(KeycloakExtension.productionCatalogue());
        String bad = good.replace("includes: [supervisor, analyst]", "includes: [supervisr, analyst]");
        assertNotEquals(good, bad, "the catalogue no longer has the line this test breaks");
        Path work = Files.createDirectories(Path.of(KeycloakServer.required("kinga.it.work")));
        Path file = work.resolve("roles-invalid.yaml");
        Files.writeString(file, bad);

        KeycloakServer broken = new KeycloakServer("invalid-catalogue", List.of(
                "--spi-admin-realm-restapi-extension--kinga-roles--catalogue=" + file));
        KeycloakServer.StartFailure failure = broken.startExpectingFailure();

        assertNotEquals(0, failure.exitCode(), failure.log());
        assertTrue(failure.log().contains("Invalid Kinga role catalogue " + file), failure.log());
        assertTrue(failure.log().contains("roles.administrator.includes[0]: unknown role 'supervisr'"), failure.log());
    }
}
