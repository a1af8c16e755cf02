package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How an incident reads on the wire: its fields by their names, where it can go next, the
 * notification it got, and the clock (deadline, time left, overdue) at the moment of reading.
 */
final class BreachViews {

    private BreachViews() {
    }

    static ObjectNode incident(BreachIncident i, Instant now, ObjectMapper json) {
        ObjectNode view = json.createObjectNode();
        view.put("id", i.id);
        view.put("reference", i.reference);
        view.put("status", i.status.wire());
        ArrayNode next = view.putArray("allowedNext");
        i.status.next().forEach(s -> next.add(s.wire()));
        view.put("registerRole", i.registerRole);
        IncidentFields.FIELDS.values().forEach(f -> view.set(f.name(), json.valueToTree(IncidentFields.wire(f.get().apply(i)))));

        ObjectNode notification = view.putObject("notification");
        notification.put("party", Deadlines.party(i));
        notification.put("notifiedAt", string(i.authorityNotifiedAt));
        notification.put("authorityReference", i.authorityReference);
        notification.put("delayReasons", i.delayReasons);
        notification.put("notNotifiableReason", i.notNotifiableReason);
        notification.put("usersNotifiedAt", string(i.usersNotifiedAt));
        notification.put("userNoticeException", i.userNoticeException == null ? null : i.userNoticeException.wire());
        notification.put("userNoticeExceptionNote", i.userNoticeExceptionNote);
        notification.put("publicNotice", i.publicNotice);

        view.set("clock", clock(i, now, json));
        view.put("resolvedAt", string(i.resolvedAt));
        view.put("createdAt", string(i.createdAt));
        view.put("createdBy", i.createdBy);
        return view;
    }

    static ObjectNode clock(BreachIncident i, Instant now, ObjectMapper json) {
        ObjectNode clock = json.createObjectNode();
        clock.put("now", now.toString());
        clock.put("awareAt", string(i.awareAt));
        clock.put("authorityDueAt", string(Deadlines.authorityDueAt(i)));
        clock.put("controllerDueAt", string(Deadlines.controllerDueAt(i)));
        clock.put("dueAt", string(Deadlines.dueAt(i)));
        Duration left = Deadlines.timeLeft(i, now);
        clock.put("timeLeft", left == null ? null : left.toString());
        if (left == null) {
            clock.putNull("secondsLeft");
        } else {
            clock.put("secondsLeft", left.toSeconds());
        }
        clock.put("overdue", Deadlines.overdue(i, now));
        clock.put("dueSoon", Deadlines.dueSoon(i, now));
        clock.put("notifiedLate", i.authorityNotifiedAt != null && i.authorityNotifiedAt.isAfter(Deadlines.dueAt(i)));
        return clock;
    }

    /** The history as people read it: each entry's details parsed back from JSON. */
    static ArrayNode history(List<BreachEvent> events, ObjectMapper json) {
        ArrayNode history = json.createArrayNode();
        for (BreachEvent e : events) {
            ObjectNode entry = history.addObject();
            entry.put("seq", e.seq);
            entry.put("at", e.at.toString());
            entry.put("actor", e.actor);
            entry.put("actorName", e.actorName);
            entry.put("kind", e.kind);
            entry.set("details", parse(e.details, json));
        }
        return history;
    }

    /** Information given in phases (Art. 33(4)), oldest first. */
    static ArrayNode phases(List<BreachEvent> events, ObjectMapper json) {
        ArrayNode phases = json.createArrayNode();
        for (BreachEvent e : events) {
            if ("information".equals(e.kind)) {
                ObjectNode phase = phases.addObject();
                phase.put("at", e.at.toString());
                phase.put("actor", e.actor);
                phase.setAll((ObjectNode) parse(e.details, json));
            }
        }
        return phases;
    }

    private static JsonNode parse(String details, ObjectMapper json) {
        try {
            return details == null ? json.createObjectNode() : json.readTree(details);
        } catch (Exception e) {
            throw new IllegalStateException("stored history is not JSON", e);
        }
    }

    private static String string(Instant at) {
        return at == null ? null : at.toString();
    }
}
