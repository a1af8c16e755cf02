package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.breach.alert.Alerts;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The breach register: incidents created by hand or from alerts, changed field by field with
 * every change in the incident's history (and the sidecar's hash-chained trail), moved through
 * the enforced workflow ({@link BreachStatus}), with the checks the law puts on each step.
 */
@ApplicationScoped
public class BreachRegister {

    static final Set<String> CREATE_EXTRAS = Set.of("alertIds");

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    @Inject
    Alerts alerts;

    @Inject
    BreachClock clock;

    @Inject
    BreachCounters counters;

    @Inject
    ObjectMapper json;

    @Inject
    BreachConfig config;

    /** A step of the workflow as asked: the target, and what that step records. */
    public record Transition(BreachStatus to, String note, Instant at, String reason, String delayReasons, String authorityReference) {
    }

    @Transactional
    public BreachIncident create(ObjectNode body, List<String> alertIds, boolean triage, JsonWebToken caller) {
        Instant now = clock.now();
        Map<String, Object> values = IncidentFields.parse(body, CREATE_EXTRAS, now);
        for (String required : List.of("title", "awareAt")) {
            if (!values.containsKey(required)) {
                throw new BadRequestException(required + " is required");
            }
        }
        BreachIncident incident = new BreachIncident();
        incident.id = UUID.randomUUID().toString();
        incident.reference = nextReference(now);
        incident.status = BreachStatus.DETECTED;
        incident.registerRole = "processor".equals(config.registerRole()) ? "processor" : "controller";
        incident.createdAt = now;
        incident.createdBy = caller.getSubject();
        Map<String, Object> changes = IncidentFields.apply(incident, values);
        IncidentFields.checkDates(incident);
        em.persist(incident);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reference", incident.reference);
        details.put("fields", changes);
        record(incident, "created", details, caller);
        if (!alertIds.isEmpty()) {
            linkAlerts(incident, alertIds, triage, caller);
        }
        return incident;
    }

    /**
     * Changes fields. Once the authority has been told, what it was told (Art. 33(3)) and when the
     * controller became aware are no longer changed: more information is added in phases.
     */
    @Transactional
    public BreachIncident update(String id, ObjectNode body, JsonWebToken caller) {
        BreachIncident incident = open(id);
        Map<String, Object> values = IncidentFields.parse(body, Set.of(), clock.now());
        if (incident.authorityNotifiedAt != null || incident.status == BreachStatus.NOT_NOTIFIABLE) {
            List<String> frozen = values.keySet().stream().filter(f -> IncidentFields.FIELDS.get(f).frozenOnNotification()).toList();
            if (!frozen.isEmpty()) {
                throw new Refusal(409, "notified_fields_frozen", (incident.authorityNotifiedAt != null
                        ? "The authority has been notified: " : "The breach was decided not notifiable: ") + String.join(", ", frozen)
                        + " are kept as they were; give more information in phases (POST /api/v1/breaches/{id}/information)");
            }
        }
        if (values.get("awareAt") instanceof Instant aware && aware.isAfter(incident.awareAt)) {
            throw new Refusal(409, "aware_at_later", "awareAt can only move earlier: a later time would move the notification"
                    + " deadline; say why the first estimate was wrong in a phase or in lessonsLearned");
        }
        Map<String, Object> changes = IncidentFields.apply(incident, values);
        IncidentFields.checkDates(incident);
        if (!changes.isEmpty()) {
            record(incident, "updated", Map.of("fields", changes), caller);
        }
        return incident;
    }

    /** Information given in phases (Art. 33(4)): appended to the history, never overwriting what was notified. */
    @Transactional
    public BreachIncident addInformation(String id, String text, ObjectNode fields, JsonWebToken caller) {
        BreachIncident incident = open(id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("text", text);
        if (fields != null && !fields.isEmpty()) {
            Map<String, Object> values = IncidentFields.parse(fields, Set.of(), clock.now());
            values.replaceAll((name, value) -> IncidentFields.wire(value));
            details.put("fields", values);
        }
        details.put("afterAuthorityNotified", incident.authorityNotifiedAt != null);
        record(incident, "information", details, caller);
        return incident;
    }

    @Transactional
    public BreachIncident transition(String id, Transition t, JsonWebToken caller) {
        BreachIncident incident = locked(id);
        if (!incident.status.next().contains(t.to())) {
            throw new Refusal(409, "illegal_transition", "An incident that is " + incident.status.wire() + " cannot become "
                    + t.to().wire() + "; it can become: " + (incident.status.next().isEmpty() ? "nothing (resolved is final)"
                    : incident.status.next().stream().map(BreachStatus::wire).collect(Collectors.joining(", "))));
        }
        Instant now = clock.now();
        Instant at = t.at() == null ? now : t.at();
        if (at.isAfter(now.plus(IncidentFields.SKEW))) {
            throw new BadRequestException("at is in the future");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", incident.status.wire());
        details.put("to", t.to().wire());
        details.put("at", at.toString());
        switch (t.to()) {
            case NOTIFIED_AUTHORITY -> notifiedAuthority(incident, t, at, details);
            case NOT_NOTIFIABLE -> notNotifiable(incident, t, details);
            case NOTIFIED_USERS -> notifiedUsers(incident, t, at, details);
            case RESOLVED -> resolved(incident, at);
            default -> {
            }
        }
        if (t.note() != null) {
            details.put("note", t.note());
        }
        incident.status = t.to();
        record(incident, "status", details, caller);
        return incident;
    }

    private void notifiedAuthority(BreachIncident incident, Transition t, Instant at, Map<String, Object> details) {
        IncidentFields.requirePresent(incident, IncidentFields.AUTHORITY_NOTICE, "Notifying the " + Deadlines.party(incident));
        if (at.isBefore(incident.awareAt)) {
            throw new BadRequestException("at is before awareAt: the notification cannot precede awareness");
        }
        if (clock.now().isAfter(Deadlines.dueAt(incident)) && !at.isAfter(Deadlines.dueAt(incident)) && t.authorityReference() == null) {
            throw new Refusal(422, "evidence_required", "Recorded after the deadline as made before it: authorityReference"
                    + " (the authority's acknowledgement) must show when the notification was made");
        }
        if (at.isAfter(Deadlines.dueAt(incident))) {
            if (t.delayReasons() == null) {
                throw new Refusal(422, "delay_reasons_required", "The notification is after the deadline ("
                        + Deadlines.dueAt(incident) + "): delayReasons must say why (GDPR Art. 33(1))");
            }
            incident.delayReasons = t.delayReasons();
            details.put("delayReasons", t.delayReasons());
        }
        incident.authorityNotifiedAt = at;
        incident.authorityReference = t.authorityReference();
        if (t.authorityReference() != null) {
            details.put("authorityReference", t.authorityReference());
        }
    }

    private void notNotifiable(BreachIncident incident, Transition t, Map<String, Object> details) {
        if (t.reason() == null) {
            throw new Refusal(422, "missing_fields", "A decision not to notify needs reason (GDPR Art. 33(5): documented all the same)");
        }
        if (incident.risk != Risk.UNLIKELY) {
            throw new Refusal(409, "notifiable", "Only a breach whose risk is assessed as 'unlikely' is not notified; risk is "
                    + (incident.risk == null ? "not assessed" : "'" + incident.risk.wire() + "'"));
        }
        incident.notNotifiableReason = t.reason();
        details.put("reason", t.reason());
    }

    private void notifiedUsers(BreachIncident incident, Transition t, Instant at, Map<String, Object> details) {
        if (incident.userNoticeException == UserNoticeException.DISPROPORTIONATE_EFFORT) {
            incident.usersNotifiedAt = at; // by the public communication recorded with the exception
            return;
        }
        String status = "dev.kinga.sidecar.breach.notice.NoticeStatus.";
        Object[] counts = em.createQuery("select count(n), sum(case when n.status = " + status + "SENT then 1 else 0 end),"
                + " sum(case when n.status = " + status + "PENDING then 1 else 0 end),"
                + " sum(case when n.status = " + status + "NO_ADDRESS then 1 else 0 end),"
                + " sum(case when n.status = " + status + "FAILED then 1 else 0 end)"
                + " from BreachNotice n where n.incidentId = :id", Object[].class).setParameter("id", incident.id).getSingleResult();
        long queued = ((Number) counts[0]).longValue();
        long sent = count(counts[1]);
        long pending = count(counts[2]);
        long noAddress = count(counts[3]);
        long failed = count(counts[4]);
        details.put("notices", Map.of("queued", queued, "sent", sent, "noAddress", noAddress, "failed", failed));
        if (queued == 0) {
            throw new Refusal(409, "notices_outstanding", "No notice was sent to the people affected (POST /api/v1/breaches/{id}/notices)");
        }
        if (pending > 0) {
            throw new Refusal(409, "notices_outstanding", pending + " of " + queued + " notices are still being sent"
                    + " (GET /api/v1/breaches/{id}/notices)");
        }
        // People no e-mail reached (no usable address, or a mail server that refuses theirs for good, which a
        // person can arrange) never hold the step up for ever: the officer says how they were told instead.
        if (noAddress + failed > 0 && t.note() == null) {
            throw new Refusal(409, "notices_outstanding", (noAddress + failed) + " people have no e-mail address Keycloak could give"
                    + (failed > 0 ? " or their mail server refused the notice (" + failed + "; send again with POST"
                    + " /api/v1/breaches/{id}/notices/retry)" : "") + ": say in note how they were told (a letter, a call), or tell them first");
        }
        incident.usersNotifiedAt = at;
    }

    private static long count(Object sum) {
        return sum == null ? 0 : ((Number) sum).longValue();
    }

    private void resolved(BreachIncident incident, Instant at) {
        IncidentFields.requirePresent(incident, IncidentFields.RESOLUTION, "Resolving the incident");
        if (incident.risk != Risk.UNLIKELY && incident.authorityNotifiedAt == null) {
            throw new Refusal(409, "not_notified", "The risk is " + (incident.risk == null ? "not assessed" : "'" + incident.risk.wire() + "'")
                    + ": the authority must be notified (notified_authority) before the incident is resolved");
        }
        if (incident.risk == Risk.HIGH && incident.usersNotifiedAt == null && incident.userNoticeException == null) {
            throw new Refusal(409, "users_not_notified", "The risk is high: the people affected must be told (notified_users)"
                    + " or an Art. 34(3) exception recorded before the incident is resolved");
        }
        incident.resolvedAt = at;
    }

    /** Records why the people affected are not each told (Art. 34(3)); a public communication replaces it for disproportionate effort. */
    @Transactional
    public BreachIncident recordUserNoticeException(String id, UserNoticeException exception, String note, String publicNotice,
                                                    JsonWebToken caller) {
        BreachIncident incident = open(id);
        if (incident.status == BreachStatus.NOT_NOTIFIABLE) {
            throw new Refusal(409, "illegal_transition", "The incident is " + incident.status.wire());
        }
        if (exception == UserNoticeException.DISPROPORTIONATE_EFFORT && publicNotice == null) {
            throw new Refusal(422, "missing_fields", "disproportionate_effort needs publicNotice: the public communication that informs"
                    + " the people affected instead (Art. 34(3)(c))");
        }
        incident.userNoticeException = exception;
        incident.userNoticeExceptionNote = note;
        incident.publicNotice = publicNotice;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exception", exception.wire());
        details.put("note", note);
        details.put("publicNotice", publicNotice);
        record(incident, "user_notice_exception", details, caller);
        return incident;
    }

    @Transactional
    public BreachIncident addAlerts(String id, List<String> alertIds, boolean triage, JsonWebToken caller) {
        BreachIncident incident = open(id);
        linkAlerts(incident, alertIds, triage, caller);
        return incident;
    }

    private void linkAlerts(BreachIncident incident, List<String> alertIds, boolean triage, JsonWebToken caller) {
        alerts.link(alertIds, incident.id, triage, caller);
        record(incident, "alerts_linked", Map.of("alertIds", alertIds), caller);
    }

    @Transactional
    public BreachIncident get(String id) {
        BreachIncident incident = id == null || id.length() > 36 ? null : em.find(BreachIncident.class, id);
        if (incident == null) {
            throw new Refusal(404, "unknown_incident", "No incident with this id");
        }
        return incident;
    }

    /** The incident, locked, refused when resolved (a resolved incident's record is final). */
    private BreachIncident open(String id) {
        BreachIncident incident = locked(id);
        if (incident.status == BreachStatus.RESOLVED) {
            throw new Refusal(409, "incident_resolved", "A resolved incident is not changed; its history is final");
        }
        return incident;
    }

    /** The incident, locked for the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public BreachIncident locked(String id) {
        BreachIncident incident = id == null || id.length() > 36 ? null : em.find(BreachIncident.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (incident == null) {
            throw new Refusal(404, "unknown_incident", "No incident with this id");
        }
        return incident;
    }

    /** The texts the person's notice needs that the incident lacks (Art. 34(2)). */
    public List<String> missingForPersonNotice(BreachIncident incident) {
        return IncidentFields.missing(incident, IncidentFields.USER_NOTICE);
    }

    @Transactional
    public List<BreachIncident> list(BreachStatus status, int max) {
        var query = em.createQuery("select i from BreachIncident i" + (status == null ? "" : " where i.status = :status")
                + " order by i.awareAt desc", BreachIncident.class);
        if (status != null) {
            query.setParameter("status", status);
        }
        return query.setMaxResults(max).getResultList();
    }

    /** Incidents still to be notified whose deadline has passed or comes within {@code dueSoon}. */
    @Transactional
    public List<BreachIncident> pending() {
        Instant now = clock.now();
        return em.createQuery("select i from BreachIncident i where i.status in :awaiting order by i.awareAt", BreachIncident.class)
                .setParameter("awaiting", List.of(BreachStatus.DETECTED, BreachStatus.CONTAINED, BreachStatus.INVESTIGATING))
                .getResultStream()
                .filter(i -> Deadlines.overdue(i, now) || Deadlines.dueSoon(i, now))
                .toList();
    }

    @Transactional
    public List<BreachEvent> history(String incidentId) {
        get(incidentId);
        return em.createQuery("select e from BreachEvent e where e.incidentId = :id order by e.seq", BreachEvent.class)
                .setParameter("id", incidentId).getResultList();
    }

    /**
     * Appends to the incident's history and to the sidecar's trail (in the caller's transaction).
     * The trail gets the kind and the fields' names, not their texts: the history holds those.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(BreachIncident incident, String kind, Map<String, Object> details, JsonWebToken caller) {
        Integer last = em.createQuery("select max(e.seq) from BreachEvent e where e.incidentId = :id", Integer.class)
                .setParameter("id", incident.id).getSingleResult();
        BreachEvent event = new BreachEvent();
        event.id = UUID.randomUUID().toString();
        event.incidentId = incident.id;
        event.seq = last == null ? 1 : last + 1;
        event.at = clock.now();
        event.actor = caller == null ? AuditTrail.SERVICE_ACTOR : caller.getSubject();
        event.actorName = caller == null ? AuditTrail.SERVICE_ACTOR : caller.getClaim("preferred_username");
        event.kind = kind;
        try {
            event.details = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("history details are not serialisable", e);
        }
        em.persist(event);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("incident", incident.id);
        summary.put("reference", incident.reference);
        summary.put("kind", kind);
        summary.put("status", incident.status.wire());
        if (details.get("fields") instanceof Map<?, ?> fields) {
            summary.put("fields", List.copyOf(fields.keySet()));
        }
        String action = "BREACH_" + kind.toUpperCase(java.util.Locale.ROOT);
        if (caller == null) {
            trail.appendByService(action, summary);
        } else {
            trail.append(action, caller, summary);
        }
    }

    /** BR-yyyy-nnnn: the year's counter row is locked (or created) to take the next number. */
    private String nextReference(Instant now) {
        int year = now.atZone(ZoneOffset.UTC).getYear();
        if (em.find(BreachCounter.class, year) == null) {
            counters.ensure(year); // in its own transaction: two first incidents of a year do not collide here
        }
        BreachCounter counter = em.find(BreachCounter.class, year, LockModeType.PESSIMISTIC_WRITE);
        counter.lastNumber++;
        return String.format("BR-%d-%04d", year, counter.lastNumber);
    }
}
