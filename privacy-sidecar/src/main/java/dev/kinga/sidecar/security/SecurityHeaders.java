package dev.kinga.sidecar.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Security headers on every response, errors and health checks included. */
@Singleton
public class SecurityHeaders {

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            var headers = rc.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            headers.set("Cache-Control", "no-store");
            if (!rc.normalizedPath().startsWith("/q/swagger-ui")) {
                headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
            }
            rc.next();
        }, 100);
    }
}
