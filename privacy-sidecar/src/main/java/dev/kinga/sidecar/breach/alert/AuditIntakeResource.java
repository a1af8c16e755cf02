package dev.kinga.sidecar.breach.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.RateLimiter;
import dev.kinga.sidecar.security.Refusal;
import dev.kinga.signature.RequestSignature;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keycloak's audit trail comes in here: {@code POST /api/v1/audit/events}, one record per request
 * as the {@code kinga-audit} forwarder sends it, signed with the key both sides hold
 * ({@code kinga.audit-intake.signing-key} here, {@code sink-signing-key} in Keycloak) and with the
 * record id as {@code Idempotency-Key}. There is no bearer token: the forwarder runs inside
 * Keycloak, and the signature over method, path, time and body is its credential (docs/breach.md).
 * {@code GET /api/v1/audit/intake} shows auditors what arrived per realm;
 * {@code GET /api/v1/audit/events/realms/{realmId}}, signed the same way, tells Keycloak's
 * {@code verify} what this sink holds of the realm's chain, kept outside Keycloak's database.
 */
@Path("/api/v1/audit")
public class AuditIntakeResource {

    @Inject
    AuditIntake intake;

    @Inject
    ObjectMapper json;

    @Inject
    RateLimiter limiter;

    @ConfigProperty(name = "kinga.audit-intake.replay-window", defaultValue = "PT5M")
    Duration replayWindow;

    @POST
    @Path("events")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public AuditIntake.Taken receive(@Context UriInfo uri, @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String timestamp,
                                     @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                                     @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        requireSigned(uri, "POST", timestamp, signature, body);
        JsonNode record;
        try {
            record = json.readTree(body);
        } catch (IOException e) {
            throw new BadRequestException("The body is not a JSON audit record");
        }
        if (record == null || !record.isObject()) {
            throw new BadRequestException("The body is not a JSON audit record");
        }
        AuditIntake.Incoming incoming = AuditIntake.Incoming.of(record);
        if (idempotencyKey == null || !idempotencyKey.equals(incoming.id())) {
            throw new BadRequestException("Idempotency-Key must repeat the record's id");
        }
        try {
            return intake.take(incoming);
        } catch (PersistenceException raced) {
            throw new Refusal(503, "temporarily_unavailable", "The record could not be taken now; deliver it again");
        }
    }

    /**
     * The sink's view of one realm's chain for Keycloak's {@code verify}: the last record and the
     * newest anchor received, by sequence number and hash. A realm nothing arrived of answers zeros.
     */
    @GET
    @Path("events/realms/{realmId}")
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public SinkView sinkView(@Context UriInfo uri, @PathParam("realmId") String realmId,
                             @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String timestamp,
                             @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature) {
        requireSigned(uri, "GET", timestamp, signature, new byte[0]);
        IntakeRealm r = intake.realm(realmId);
        return r == null ? new SinkView(realmId, 0, null, null, null, null, null, null)
                : new SinkView(r.realmId, r.lastSeq, r.lastHash, r.lastAnchorSeq, r.lastAnchorHash, r.firstBreakSeq, r.firstHoleSeq,
                        r.holeSince);
    }

    /**
     * @param firstBreakSeq the first record received that did not continue the chain (null: none)
     * @param firstHoleSeq  the lowest sequence number not received below {@code lastSeq} (null: none), missing since {@code holeSince}
     */
    public record SinkView(String realmId, long lastSeq, String lastHash, Long lastAnchorSeq, String lastAnchorHash,
                           Long firstBreakSeq, Long firstHoleSeq, Instant holeSince) {
    }

    private void requireSigned(UriInfo uri, String method, String timestamp, String signature, byte[] body) {
        String key = intake.key();
        if (key == null) {
            throw new Refusal(503, "intake_not_configured", "kinga.audit-intake.signing-key is not set: this sidecar takes no audit records");
        }
        if (!RequestSignature.verify(key, method, uri.getRequestUri().getRawPath(), timestamp, signature, body, Instant.now(),
                replayWindow)) {
            limiter.chargeRefusedIntake(); // a failed signature costs from the caller's ordinary budget
            throw new Refusal(401, "invalid_signature",
                    "X-Kinga-Signature does not sign this request with the shared key, or X-Kinga-Timestamp is outside the replay window");
        }
    }

    /** Per realm: the last sequence number received and anything that did not line up. */
    @GET
    @Path("intake")
    @RolesAllowed(Permissions.AUDIT_READ)
    @Produces(MediaType.APPLICATION_JSON)
    public List<RealmView> intake() {
        return intake.realms().stream().map(RealmView::of).toList();
    }

    public record RealmView(String realmId, String realm, long lastSeq, long records, long duplicates, long gaps,
                            long outOfOrder, long chainBreaks, Long firstBreakSeq, Instant firstAt, Instant lastAt) {
        static RealmView of(IntakeRealm r) {
            return new RealmView(r.realmId, r.realmName, r.lastSeq, r.records, r.duplicates, r.gaps, r.outOfOrder, r.chainBreaks,
                    r.firstBreakSeq, r.firstAt, r.lastAt);
        }
    }
}
