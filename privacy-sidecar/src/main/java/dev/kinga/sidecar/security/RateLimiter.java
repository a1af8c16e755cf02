package dev.kinga.sidecar.security;

import dev.kinga.ratelimit.SharedBuckets;
import dev.kinga.ratelimit.TakeLedger;
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


/**
 * Per-user token bucket over a minute: {@code kinga.rate-limit.requests-per-minute} requests,
 * refilled continuously. The user is the token's subject, so one busy person (or service account)
 * cannot starve everyone else of an app they share; requests without a token count by address.
 * Over the limit: 429 with {@code Retry-After}. The limits hold for all sidecar nodes on one
 * database together: {@link LimitSync} shares what each node admitted (dev.kinga.ratelimit).
 * Keycloak's audit forwarder, which catches up on a backlog after an outage, has its own, larger
 * budget per address on {@value #INTAKE_PATH} ({@code kinga.audit-intake.requests-per-minute}).
 */
@Singleton
public class RateLimiter {

    /** Above this many tracked clients, idle ones are forgotten (a full bucket is the same as a new one). */
    static final int MAX_TRACKED_CLIENTS = 10_000;

    static final String INTAKE_PATH = "/api/v1/audit/events";

    private final SharedBuckets requests;
    private final SharedBuckets intake;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    HttpServerRequest request;

    public RateLimiter(@ConfigProperty(name = "kinga.rate-limit.requests-per-minute") int perMinute,
                       @ConfigProperty(name = "kinga.audit-intake.requests-per-minute", defaultValue = "60000") int intakePerMinute) {
        this.requests = new SharedBuckets("sidecar-requests", perMinute, perMinute, MAX_TRACKED_CLIENTS,
                System::nanoTime, System::currentTimeMillis);
        this.intake = new SharedBuckets("sidecar-intake", intakePerMinute, intakePerMinute, MAX_TRACKED_CLIENTS,
                System::nanoTime, System::currentTimeMillis);
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
                .map(caller -> take(requests, caller));
    }

    /**
     * The intake's budget is large (a backlog arrives fast), but a caller whose deliveries are
     * unsigned or fail their signature pays from the ordinary one: an unsigned post is refused here,
     * before its body is read, and once that budget is spent no post of theirs is read at all.
     */
    private Response intake(ContainerRequestContext context, String address) {
        if (context.getHeaderString(RequestSignature.SIGNATURE_HEADER) == null
                || context.getHeaderString(RequestSignature.TIMESTAMP_HEADER) == null) {
            Response limited = take(requests, address);
            return limited != null ? limited : ApiError.response(401, "invalid_signature",
                    "Deliveries to the audit intake must be signed (X-Kinga-Timestamp, X-Kinga-Signature)");
        }
        if (!requests.hasToken(address)) {
            return Response.fromResponse(ApiError.response(429, "rate_limited", "Too many refused deliveries from you; retry later"))
                    .header("Retry-After", 60).build();
        }
        return take(intake, "intake:" + address);
    }

    /** Charges a refused intake delivery (a bad signature) to the caller's ordinary budget. */
    public void chargeRefusedIntake() {
        take(requests, address());
    }

    /** Tells the other nodes what this one admitted and charges what they did (called by {@link LimitSync}). */
    void sync(TakeLedger ledger) {
        requests.sync(ledger);
        intake.sync(ledger);
    }

    /** The caller's network address, as the key of its ordinary budget when it is not signed in. */
    private String address() {
        return "address:" + (request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress());
    }

    /** @return null to go on, or the 429 */
    private static Response take(SharedBuckets buckets, String caller) {
        long waitNanos = buckets.acquire(caller);
        if (waitNanos > 0) {
            return Response.fromResponse(ApiError.response(429, "rate_limited", "Too many requests from you; retry later"))
                    .header("Retry-After", Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)).build();
        }
        return null;
    }
}
