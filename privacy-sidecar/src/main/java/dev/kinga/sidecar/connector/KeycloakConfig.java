package dev.kinga.sidecar.connector;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code kinga.keycloak.*}: the Keycloak realm the sidecar serves, and how it signs in there (docs/configuration.md). */
@ConfigMapping(prefix = "kinga.keycloak")
public interface KeycloakConfig {

    /** Keycloak's base URL as the sidecar reaches it. */
    String url();

    /** The realm whose people, tokens and trail the sidecar serves. */
    @WithDefault("kinga")
    String realm();

    /** The sidecar's own client. */
    @WithDefault("kinga-sidecar")
    String clientId();

    /** A client secret, for a deployment that has not moved to a key yet. */
    Optional<String> clientSecret();

    /** The sidecar's private key (PKCS#8 PEM): with it, the sidecar signs in with private_key_jwt instead of a secret. */
    Optional<String> clientKeyFile();

    /** The key id its client assertions name. */
    @WithDefault("kinga-sidecar")
    String clientKeyId();

    /** The audience of the sidecar's client assertions: the realm's issuer as Keycloak names itself. */
    Optional<String> clientAssertionAudience();

    /** How long an account Keycloak answered as enabled is taken as such without asking again. */
    @WithDefault("PT5S")
    Duration accountCheckCache();
}
