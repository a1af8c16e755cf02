package dev.kinga.sidecar.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import io.quarkus.vertx.http.runtime.filters.Filters;

import java.util.Set;

/**
 * A body sent to the API without a {@code Content-Type} is refused (415
 * {@code unsupported_media_type}) instead of being read as JSON anyway: what a proxy, a log or a
 * web application firewall took for opaque bytes must not be what the service acted on.
 */
@Singleton
public class ContentTypeRequired {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
    private static final String ERROR = "{\"error\":\"unsupported_media_type\",\"error_description\":\"Send the body with Content-Type: application/json\"}";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            var request = rc.request();
            boolean body = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                    || request.getHeader(HttpHeaders.CONTENT_LENGTH) != null && !"0".equals(request.getHeader(HttpHeaders.CONTENT_LENGTH).strip());
            if (WITH_BODY.contains(request.method()) && body && rc.normalizedPath().startsWith("/api/")
                    && (request.getHeader(HttpHeaders.CONTENT_TYPE) == null || request.getHeader(HttpHeaders.CONTENT_TYPE).isBlank())) {
                rc.response().setStatusCode(415).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ERROR);
                return;
            }
            rc.next();
        }, 89);
    }
}
