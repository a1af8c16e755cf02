package dev.kinga.sidecar.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code kinga.self-service.*}: the self-service page's sign-in: the public client it signs people
 * in with (the only client whose tokens {@code /api/v1/me/} serves), where the browser finds
 * Keycloak (the page's Content-Security-Policy allows it), and how recent a sign-in must be to ask
 * for one's own erasure.
 */
@ConfigMapping(prefix = "kinga.self-service")
public interface SelfServiceSettings {

    /** Keycloak's URL as a browser reaches it. */
    String keycloakUrl();

    @WithDefault("kinga-my-data")
    String clientId();

    @WithDefault("PT5M")
    Duration erasureMaxAuthAge();
}
