package dev.kinga.sidecar.breach.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/v1/alerts}: Keycloak's security alerts for the security officer. Reading needs
 * {@code security-alerts:read}; acknowledging and resolving need {@code security-alerts:manage}.
 * An alert becomes part of a breach incident when the incident is created from it
 * ({@code POST /api/v1/breaches} with {@code alertIds}).
 */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AlertResource {

    static final int MAX_NOTE = 4000;

    @Inject
    Alerts alerts;

    @Inject
    JsonWebToken jwt;

    @Inject
    ObjectMapper json;

    public record Note(String note) {
    }

    public record AlertView(String id, String recordId, String realm, String realmId, long seq, Instant raisedAt, Instant receivedAt,
                            String rule, String severity, String summary, String subjectId, String actorUserId, String actorClientId,
                            String actorIp, JsonNode details, String state, Instant acknowledgedAt, String acknowledgedBy,
                            Instant resolvedAt, String resolvedBy, String note, String incidentId) {
        static AlertView of(SecurityAlert a, ObjectMapper json) {
            JsonNode details;
            try {
                details = a.details == null ? null : json.readTree(a.details);
            } catch (Exception e) {
                details = null;
            }
            return new AlertView(a.id, a.recordId, a.realmName, a.realmId, a.seq, a.raisedAt, a.receivedAt, a.rule, a.severity,
                    a.summary, a.subjectId, a.actorUserId, a.actorClientId, a.actorIp, details, a.state.wire(), a.acknowledgedAt,
                    a.acknowledgedBy, a.resolvedAt, a.resolvedBy, a.note, a.incidentId);
        }
    }

    @GET
    @RolesAllowed(Permissions.SECURITY_ALERTS_READ)
    public List<AlertView> list(@QueryParam("state") String state, @QueryParam("severity") String severity,
                                @QueryParam("rule") String rule, @QueryParam("realm") String realm,
                                @QueryParam("subject") String subject, @QueryParam("since") String since,
                                @QueryParam("until") String until, @QueryParam("max") Integer max) {
        AlertState wanted = null;
        if (state != null) {
            wanted = AlertState.parse(state);
            if (wanted == null) {
                throw new BadRequestException("state must be one of open, acknowledged, resolved");
            }
        }
        int limit = max == null ? 100 : max;
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("max must be between 1 and 1000");
        }
        return alerts.list(new Alerts.Filter(wanted, severity == null ? null : severity.toUpperCase(Locale.ROOT), bounded("rule", rule),
                        bounded("realm", realm), bounded("subject", subject), instant("since", since), instant("until", until), limit))
                .stream().map(a -> AlertView.of(a, json)).toList();
    }

    /** Counts by rule, severity and state, and times to acknowledge and resolve, over {@code days} (default 30). */
    @GET
    @Path("summary")
    @RolesAllowed(Permissions.SECURITY_ALERTS_READ)
    public Alerts.Summary summary(@QueryParam("days") Integer days) {
        int window = days == null ? 30 : days;
        if (window < 1 || window > 3660) {
            throw new BadRequestException("days must be between 1 and 3660");
        }
        return alerts.summary(Instant.now().minus(window, ChronoUnit.DAYS));
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Permissions.SECURITY_ALERTS_READ)
    public AlertView get(@PathParam("id") String id) {
        return AlertView.of(alerts.get(id), json);
    }

    @POST
    @Path("{id}/acknowledge")
    @RolesAllowed(Permissions.SECURITY_ALERTS_MANAGE)
    public AlertView acknowledge(@PathParam("id") String id, Note body) {
        String note = body == null ? null : note(body.note(), false);
        return AlertView.of(alerts.acknowledge(id, note, jwt), json);
    }

    @POST
    @Path("{id}/resolve")
    @RolesAllowed(Permissions.SECURITY_ALERTS_MANAGE)
    public AlertView resolve(@PathParam("id") String id, Note body) {
        return AlertView.of(alerts.resolve(id, note(body == null ? null : body.note(), true), jwt), json);
    }

    private static String note(String note, boolean required) {
        if (note == null || note.isBlank()) {
            if (required) {
                throw new BadRequestException("note is required: what was found and done");
            }
            return null;
        }
        if (note.length() > MAX_NOTE) {
            throw new BadRequestException("note is at most " + MAX_NOTE + " characters");
        }
        return note.strip();
    }

    private static String bounded(String name, String value) {
        if (value != null && value.length() > 255) {
            throw new BadRequestException(name + " is at most 255 characters");
        }
        return value;
    }

    static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(value);
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null || at.isBefore(Instant.EPOCH) || at.isAfter(AuditIntake.LATEST)) {
            throw new BadRequestException(name + " must be an ISO-8601 instant between 1970 and 9999, e.g. 2026-12-01T00:00:00Z");
        }
        return at;
    }
}
