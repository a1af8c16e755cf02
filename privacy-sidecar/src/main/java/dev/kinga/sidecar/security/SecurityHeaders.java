package dev.kinga.sidecar.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.net.URI;

/**
 * Security headers on every response, errors and health checks included. The API answers JSON
 * only ({@code default-src 'none'}); the self-service page ({@code /my-data/}) may load its own
 * script and style and talk to this service and to Keycloak's token endpoint, nothing else.
 */
@Singleton
public class SecurityHeaders {

    private static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    private final String pagePolicy;

    public SecurityHeaders(SelfServiceSettings selfService) {
        URI keycloak = URI.create(selfService.keycloakUrl());
        String origin = keycloak.getScheme() + "://" + keycloak.getRawAuthority();
        this.pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
                + origin + "; form-action 'self' " + origin + "; frame-ancestors 'none'; base-uri 'none'";
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            var headers = rc.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            headers.set("Cache-Control", "no-store");
            String path = rc.normalizedPath();
            if (path.equals("/my-data") || path.startsWith("/my-data/")) {
                headers.set("Content-Security-Policy", pagePolicy);
            } else if (!path.startsWith("/q/swagger-ui")) {
                headers.set("Content-Security-Policy", API_POLICY);
            }
            rc.next();
        }, 100);
    }
}
