package dev.kinga.sidecar.security;

import dev.kinga.signature.RequestSignature;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user token bucket over a minute: {@code kinga.rate-limit.requests-per-minute} requests,
 * refilled continuously. The user is the token's subject, so one busy person (or service account)
 * cannot starve everyone else of an app they share; requests without a token count by address.
 * Over the limit: 429 with {@code Retry-After}. Limits are per sidecar node (docs/configuration.md).
 * Keycloak's audit forwarder, which catches up on a backlog after an outage, has its own, larger
 * budget per address on {@value #INTAKE_PATH} ({@code kinga.audit-intake.requests-per-minute}).
 */
@Singleton
public class RateLimiter {

    /** Above this many tracked clients, idle ones are forgotten (a full bucket is the same as a new one). */
    static final int MAX_TRACKED_CLIENTS = 10_000;

    static final String INTAKE_PATH = "/api/v1/audit/events";

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int perMinute;
    private final int intakePerMinute;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    HttpServerRequest request;

    public RateLimiter(@ConfigProperty(name = "kinga.rate-limit.requests-per-minute") int perMinute,
                       @ConfigProperty(name = "kinga.audit-intake.requests-per-minute", defaultValue = "60000") int intakePerMinute) {
        this.perMinute = perMinute;
        this.intakePerMinute = intakePerMinute;
    }

    /**
     * Runs before resource matching and the permission checks, so requests that will be refused
     * (no token, an expired or forged one) are counted too, by address.
     */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> limit(ContainerRequestContext context) {
        String address = address();
        if (INTAKE_PATH.equals(request.path())) {
            return Uni.createFrom().item(intake(context, address));
        }
        return identities.getDeferredIdentity()
                .map(identity -> identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                        ? "subject:" + jwt.getSubject() : address)
                .onFailure().recoverWithItem(address)
                .map(caller -> take(caller, perMinute));
    }

    /**
     * The intake's budget is large (a backlog arrives fast), but a caller whose deliveries are
     * unsigned or fail their signature pays from the ordinary one: an unsigned post is refused here,
     * before its body is read, and once that budget is spent no post of theirs is read at all.
     */
    private Response intake(ContainerRequestContext context, String address) {
        if (context.getHeaderString(RequestSignature.SIGNATURE_HEADER) == null
                || context.getHeaderString(RequestSignature.TIMESTAMP_HEADER) == null) {
            Response limited = take(address, perMinute);
            return limited != null ? limited : ApiError.response(401, "invalid_signature",
                    "Deliveries to the audit intake must be signed (X-Kinga-Timestamp, X-Kinga-Signature)");
        }
        Bucket ordinary = buckets.get(address);
        if (ordinary != null && !ordinary.hasToken(System.nanoTime())) {
            return Response.fromResponse(ApiError.response(429, "rate_limited", "Too many refused deliveries from you; retry later"))
                    .header("Retry-After", 60).build();
        }
        return take("intake:" + address, intakePerMinute);
    }

    /** Charges a refused intake delivery (a bad signature) to the caller's ordinary budget. */
    public void chargeRefusedIntake() {
        take(address(), perMinute);
    }

    /** The caller's network address, as the key of its ordinary budget when it is not signed in. */
    private String address() {
        return "address:" + (request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress());
    }

    /** @return null to go on, or the 429 */
    private Response take(String caller, int limit) {
        if (buckets.size() > MAX_TRACKED_CLIENTS) {
            long now = System.nanoTime();
            buckets.values().removeIf(idle -> idle.isFull(now)); // callers rotating addresses cannot grow memory
        }
        Bucket bucket = buckets.computeIfAbsent(caller, k -> new Bucket(limit));
        long waitMillis = bucket.take(System.nanoTime());
        if (waitMillis > 0) {
            return Response.fromResponse(ApiError.response(429, "rate_limited", "Too many requests from you; retry later"))
                    .header("Retry-After", Math.max(1, (waitMillis + 999) / 1000)).build();
        }
        return null;
    }

    /** Token bucket; synchronized per client, so contention only within one client. */
    static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(int perMinute) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
            this.last = System.nanoTime();
        }

        synchronized boolean hasToken(long now) {
            return tokens + (now - last) * perNano >= 1;
        }

        synchronized boolean isFull(long now) {
            return tokens + (now - last) * perNano >= capacity;
        }

        /** @return 0 if a request may proceed, else milliseconds until one may */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano / 1e6);
        }
    }
}
