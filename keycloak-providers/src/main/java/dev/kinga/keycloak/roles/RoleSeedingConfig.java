package dev.kinga.keycloak.roles;

import org.keycloak.Config;

import java.nio.file.Path;

/**
 * SPI options of the {@code kinga-roles} provider, read once at startup.
 * Options: {@code --spi-admin-realm-restapi-extension--kinga-roles--catalogue} and
 * {@code --spi-admin-realm-restapi-extension--kinga-roles--seed-on-startup}.
 *
 * @param catalogue     the catalogue file, or {@code null} when role seeding is off
 * @param seedOnStartup whether governed realms are seeded at every server start
 */
public record RoleSeedingConfig(Path catalogue, boolean seedOnStartup) {

    public static final String CATALOGUE = "catalogue";
    public static final String SEED_ON_STARTUP = "seed-on-startup";

    static RoleSeedingConfig from(Config.Scope scope) {
        String file = scope.get(CATALOGUE);
        Path catalogue = file == null || file.isBlank() ? null : Path.of(file.strip());
        return new RoleSeedingConfig(catalogue, scope.getBoolean(SEED_ON_STARTUP, true));
    }
}
