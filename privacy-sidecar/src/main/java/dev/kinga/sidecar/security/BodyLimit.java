package dev.kinga.sidecar.security;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body declared larger than {@code quarkus.http.limits.max-body-size} is refused before it is
 * read, with the service's JSON error (413 {@code request_too_large}) rather than an empty answer.
 * A chunked body that grows past the limit is cut off by Quarkus itself (413, no body).
 */
@Singleton
public class BodyLimit {

    private static final String ERROR = "{\"error\":\"request_too_large\",\"error_description\":\"The body is larger than %d bytes\"}";

    void register(@Observes Filters filters, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long max = limit.asLongValue();
        filters.register(rc -> {
            String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > max) {
                rc.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close").end(String.format(ERROR, max));
                return;
            }
            rc.next();
        }, 90);
    }
}
