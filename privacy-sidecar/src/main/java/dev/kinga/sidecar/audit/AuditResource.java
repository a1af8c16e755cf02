package dev.kinga.sidecar.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The sidecar's audit trail for auditors: records in sequence order, and a check of the whole chain. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    static final int MAX_LIMIT = 1000;

    @Inject
    AuditTrail trail;

    @Inject
    ObjectMapper json;

    @GET
    @Path("records")
    @RolesAllowed(Permissions.AUDIT_READ)
    public List<RecordView> records(@QueryParam("from") String from, @QueryParam("limit") String limit) {
        long fromSeq = number("from", from, 1, Long.MAX_VALUE, 1);
        int max = (int) number("limit", limit, 1, MAX_LIMIT, 100);
        return trail.read(fromSeq, max).stream().map(r -> RecordView.of(r, json)).toList();
    }

    @GET
    @Path("verify")
    @RolesAllowed(Permissions.AUDIT_READ)
    public AuditTrail.Verification verify() {
        return trail.verify();
    }

    /** A record as auditors and sinks see it. */
    public record RecordView(String source, long seq, String id, String at, String action, String actor, String actorName,
                             String clientId, JsonNode details, String prevHash, String hash) {
        static RecordView of(TrailRecord r, ObjectMapper json) {
            JsonNode details;
            try {
                details = json.readTree(r.details);
            } catch (Exception e) {
                throw new IllegalStateException("stored audit details are not JSON", e);
            }
            return new RecordView("kinga-privacy-sidecar", r.seq, r.id, r.at.toString(), r.action, r.actor, r.actorName, r.clientId,
                    details, r.prevHash, r.hash);
        }
    }

    private static long number(String name, String text, long min, long max, long fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(name + " must be a whole number from " + min + (max == Long.MAX_VALUE ? "" : " to " + max));
    }
}
