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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keycloak's audit trail comes in here: {@code POST /api/v1/audit/events}, one record (a JSON
 * object, with its id as {@code Idempotency-Key}) or a batch of a realm's consecutive records (a
 * JSON array) per request as the {@code kinga-audit} forwarder sends them, signed with the key
 * both sides hold ({@code kinga.audit-intake.signing-key} here, {@code sink-signing-key} in
 * Keycloak). There is no bearer token: the forwarder runs inside
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

    @Inject
    SeenDeliveries seen;

    @ConfigProperty(name = "kinga.audit-intake.replay-window", defaultValue = "PT5M")
    Duration replayWindow;

    @POST
    @Path("events")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@Context UriInfo uri, @HeaderParam(RequestSignature.TIMESTAMP_HEADER) String timestamp,
                            @HeaderParam(RequestSignature.SIGNATURE_HEADER) String signature,
                            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        requireSigned(uri, "POST", timestamp, signature, body);
        if (!seen.first(signature, replayWindow, System.currentTimeMillis())) {
            throw new Refusal(409, "replayed", "This signed delivery was received before; each delivery is signed afresh");
        }
        JsonNode received;
        try {
            received = json.readTree(body);
        } catch (IOException e) {
            throw new BadRequestException("The body is not a JSON audit record");
        }
        if (received != null && received.isArray()) {
            return batch(received);
        }
        if (received == null || !received.isObject()) {
            throw new BadRequestException("The body is not a JSON audit record");
        }
        AuditIntake.Incoming incoming = AuditIntake.Incoming.of(received);
        if (idempotencyKey == null || !idempotencyKey.equals(incoming.id())) {
            throw new BadRequestException("Idempotency-Key must repeat the record's id");
        }
        return Response.ok(take(List.of(incoming)).get(0)).build();
    }

    /**
     * A batch: consecutive records, each its own idempotency key (no {@code Idempotency-Key}
     * header). The records before the first one that is not a whole record are taken; that one
     * and the rest are not, and {@code 422} says which ({@code index}), so the forwarder sets only
     * that record aside and delivers the rest again.
     */
    private Response batch(JsonNode records) {
        if (records.isEmpty() || records.size() > MAX_BATCH) {
            throw new BadRequestException("A batch holds 1 to " + MAX_BATCH + " audit records");
        }
        List<AuditIntake.Incoming> whole = new ArrayList<>(records.size());
        String refused = null;
        for (JsonNode record : records) {
            if (!record.isObject()) {
                refused = "not a JSON audit record";
                break;
            }
            try {
                whole.add(AuditIntake.Incoming.of(record));
            } catch (BadRequestException e) {
                refused = e.getMessage();
                break;
            }
        }
        if (whole.stream().map(AuditIntake.Incoming::realmId).distinct().count() > 1) {
            throw new BadRequestException("A batch holds the records of one realm");
        }
        List<AuditIntake.Taken> taken = whole.isEmpty() ? List.of() : take(whole);
        if (refused == null) {
            return Response.ok(new BatchTaken(taken)).build();
        }
        return Response.status(422).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new BatchRefused("invalid_record", "Record " + whole.size() + " of the batch: " + refused, whole.size(), taken))
                .build();
    }

    private List<AuditIntake.Taken> take(List<AuditIntake.Incoming> records) {
        try {
            return intake.takeAll(records);
        } catch (PersistenceException raced) {
            throw new Refusal(503, "temporarily_unavailable", "The records could not be taken now; deliver them again");
        }
    }

    /** Records per batch, at most: 500 records of Keycloak's trail stay well under the body limit (1 MB). */
    static final int MAX_BATCH = 500;

    public record BatchTaken(List<AuditIntake.Taken> taken) {
    }

    /** {@code taken} holds the records before {@code index}, which were taken; the one at {@code index} was not a whole record. */
    public record BatchRefused(String error, String error_description, int index, List<AuditIntake.Taken> taken) {
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
