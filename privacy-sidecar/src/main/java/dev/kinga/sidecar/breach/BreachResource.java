package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.breach.alert.Alerts;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/breaches}: the breach register. Writing needs {@code breach:manage}; reading and
 * exporting need {@code breach:read} (auditors) or {@code breach:manage}. docs/breach.md walks a
 * DPO through a breach with it; docs/http-api.md has every call.
 */
@Path("/api/v1/breaches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BreachResource {

    @Inject
    BreachRegister register;

    @Inject
    BreachExport export;

    @Inject
    Alerts alerts;

    @Inject
    BreachClock clock;

    @Inject
    ObjectMapper json;

    @Inject
    JsonWebToken jwt;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public Response create(ObjectNode body) {
        ObjectNode fields = object(body, "The body");
        List<String> alertIds = ids(fields.get("alertIds"), "alertIds");
        BreachIncident created = register.create(fields, alertIds, mayTriage(), jwt);
        return Response.status(201).entity(view(created, true)).build();
    }

    @GET
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public List<ObjectNode> list(@QueryParam("status") String status, @QueryParam("max") Integer max) {
        BreachStatus wanted = null;
        if (status != null) {
            wanted = BreachStatus.parse(status);
            if (wanted == null) {
                throw new BadRequestException("status must be one of " + List.of(BreachStatus.values()).stream().map(BreachStatus::wire).toList());
            }
        }
        int limit = max == null ? 100 : max;
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("max must be between 1 and 1000");
        }
        Instant now = clock.now();
        return register.list(wanted, limit).stream().map(i -> BreachViews.incident(i, now, json)).toList();
    }

    /** Incidents awaiting notification that are overdue or due within 12 hours, soonest deadline first. */
    @GET
    @Path("pending")
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public List<ObjectNode> pending() {
        Instant now = clock.now();
        return register.pending().stream().map(i -> BreachViews.incident(i, now, json)).toList();
    }

    /** The whole register as JSON (default) or CSV (a spreadsheet a regulator can open). */
    @GET
    @Path("export")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public Response export(@QueryParam("format") String format) {
        String chosen = format == null ? "json" : format;
        return switch (chosen) {
            case "json" -> Response.ok(export.json(), MediaType.APPLICATION_JSON_TYPE)
                    .header("Content-Disposition", "attachment; filename=\"kinga-breach-register.json\"").build();
            case "csv" -> Response.ok(export.csv(), "text/csv; charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"kinga-breach-register.csv\"").build();
            default -> throw new BadRequestException("format must be json or csv");
        };
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public ObjectNode get(@PathParam("id") String id) {
        return view(register.get(id), true);
    }

    @PATCH
    @Path("{id}")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public ObjectNode update(@PathParam("id") String id, ObjectNode body) {
        return view(register.update(id, object(body, "The body"), jwt), true);
    }

    public record TransitionRequest(String to, String note, String at, String reason, String delayReasons, String authorityReference) {
    }

    @POST
    @Path("{id}/transitions")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public ObjectNode transition(@PathParam("id") String id, TransitionRequest body) {
        if (body == null || body.to() == null) {
            throw new BadRequestException("to is required: the status to move to");
        }
        BreachStatus to = BreachStatus.parse(body.to());
        if (to == null) {
            throw new BadRequestException("to must be one of " + List.of(BreachStatus.values()).stream().map(BreachStatus::wire).toList());
        }
        Instant at = body.at() == null ? null : IncidentFields.instant("at", json.getNodeFactory().textNode(body.at()), clock.now());
        return view(register.transition(id, new BreachRegister.Transition(to, text("note", body.note()), at, text("reason", body.reason()),
                text("delayReasons", body.delayReasons()), shortText("authorityReference", body.authorityReference())), jwt), true);
    }

    public record InformationRequest(String text, ObjectNode fields) {
    }

    /** Information given in phases (Art. 33(4)): appended, never overwriting. */
    @POST
    @Path("{id}/information")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public Response information(@PathParam("id") String id, InformationRequest body) {
        String text = body == null ? null : text("text", body.text());
        if (text == null) {
            throw new BadRequestException("text is required: what the authority is told in this phase");
        }
        return Response.status(201).entity(view(register.addInformation(id, text, body.fields(), jwt), true)).build();
    }

    @POST
    @Path("{id}/alerts")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public ObjectNode addAlerts(@PathParam("id") String id, JsonNode body) {
        List<String> alertIds = ids(body == null ? null : body.get("alertIds"), "alertIds");
        if (alertIds.isEmpty()) {
            throw new BadRequestException("alertIds is required: the alerts that are part of this incident");
        }
        return view(register.addAlerts(id, alertIds, mayTriage(), jwt), true);
    }

    public record ExceptionRequest(String exception, String note, String publicNotice) {
    }

    /** Why the people affected are not each told (Art. 34(3)): one of the law's three grounds. */
    @POST
    @Path("{id}/user-notice-exception")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public ObjectNode userNoticeException(@PathParam("id") String id, ExceptionRequest body) {
        UserNoticeException exception = body == null || body.exception() == null ? null : UserNoticeException.parse(body.exception());
        if (exception == null) {
            throw new BadRequestException("exception must be one of encrypted_data, risk_no_longer_likely, disproportionate_effort");
        }
        String note = text("note", body.note());
        if (note == null) {
            throw new BadRequestException("note is required: why the exception applies");
        }
        return view(register.recordUserNoticeException(id, exception, note, text("publicNotice", body.publicNotice()), jwt), true);
    }

    @GET
    @Path("{id}/history")
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public ArrayNode history(@PathParam("id") String id) {
        return BreachViews.history(register.history(id), json);
    }

    /** Whether the caller may acknowledge alerts (linking acknowledges an open one only then). */
    private boolean mayTriage() {
        return identity.hasRole(Permissions.SECURITY_ALERTS_MANAGE);
    }

    private ObjectNode view(BreachIncident incident, boolean whole) {
        ObjectNode view = BreachViews.incident(incident, clock.now(), json);
        if (whole) {
            view.set("phases", BreachViews.phases(register.history(incident.id), json));
            ArrayNode linked = view.putArray("alertIds");
            alerts.ofIncident(incident.id).forEach(linked::add);
        }
        return view;
    }

    private static ObjectNode object(ObjectNode body, String what) {
        if (body == null) {
            throw new BadRequestException(what + " must be a JSON object");
        }
        return body;
    }

    private static List<String> ids(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 1000) {
            throw new BadRequestException(name + " must be a list of at most 1000 ids");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode id : node) {
            if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 36) {
                throw new BadRequestException(name + " must hold ids (texts of at most 36 characters)");
            }
            ids.add(id.asText());
        }
        return new ArrayList<>(ids);
    }

    private static String text(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > IncidentFields.MAX_TEXT) {
            throw new BadRequestException(name + " is at most " + IncidentFields.MAX_TEXT + " characters");
        }
        return value.strip();
    }

    private static String shortText(String name, String value) {
        if (value != null && value.length() > 200) {
            throw new BadRequestException(name + " is at most 200 characters");
        }
        return value == null || value.isBlank() ? null : value.strip();
    }
}
