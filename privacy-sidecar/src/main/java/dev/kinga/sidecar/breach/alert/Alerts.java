package dev.kinga.sidecar.breach.alert;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Triage of security alerts: list with filters, acknowledge, resolve with a note, link to a breach
 * incident, and the numbers a security officer reports (counts, time to acknowledge). Every
 * acknowledgement and resolution is recorded in the sidecar's hash-chained trail.
 */
@ApplicationScoped
public class Alerts {

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    /** Filters of the alert list; null means any. */
    public record Filter(AlertState state, String severity, String rule, String realm, String subjectId, Instant since,
                         Instant until, int max) {
    }

    @Transactional
    public List<SecurityAlert> list(Filter f) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        condition(where, params, "a.state = :state", "state", f.state());
        condition(where, params, "a.severity = :severity", "severity", f.severity());
        condition(where, params, "a.rule = :rule", "rule", f.rule());
        condition(where, params, "(a.realmName = :realm or a.realmId = :realm)", "realm", f.realm());
        condition(where, params, "a.subjectId = :subject", "subject", f.subjectId());
        condition(where, params, "a.raisedAt >= :since", "since", f.since());
        condition(where, params, "a.raisedAt < :until", "until", f.until());
        TypedQuery<SecurityAlert> query = em.createQuery("select a from SecurityAlert a" + where
                + " order by a.raisedAt desc, a.seq desc", SecurityAlert.class);
        params.forEach(query::setParameter);
        return query.setMaxResults(f.max()).getResultList();
    }

    private static void condition(StringBuilder where, Map<String, Object> params, String clause, String name, Object value) {
        if (value != null) {
            where.append(" and ").append(clause);
            params.put(name, value);
        }
    }

    @Transactional
    public SecurityAlert get(String id) {
        SecurityAlert alert = id == null || id.length() > 36 ? null : em.find(SecurityAlert.class, id);
        if (alert == null) {
            throw new Refusal(404, "unknown_alert", "No alert with this id");
        }
        return alert;
    }

    @Transactional
    public SecurityAlert acknowledge(String id, String note, JsonWebToken caller) {
        SecurityAlert alert = locked(id);
        if (alert.state != AlertState.OPEN) {
            throw new Refusal(409, "illegal_transition", "The alert is " + alert.state.wire() + "; only an open alert can be acknowledged");
        }
        alert.state = AlertState.ACKNOWLEDGED;
        alert.acknowledgedAt = Instant.now();
        alert.acknowledgedBy = caller.getSubject();
        if (note != null) {
            alert.note = note;
        }
        trail.append("ALERT_ACKNOWLEDGED", caller, Map.of("alert", alert.id, "rule", alert.rule));
        return alert;
    }

    /** Resolves an open or acknowledged alert (resolving counts as acknowledging, if nobody had). */
    @Transactional
    public SecurityAlert resolve(String id, String note, JsonWebToken caller) {
        SecurityAlert alert = locked(id);
        if (alert.state == AlertState.RESOLVED) {
            throw new Refusal(409, "illegal_transition", "The alert is already resolved");
        }
        Instant now = Instant.now();
        if (alert.acknowledgedAt == null) {
            alert.acknowledgedAt = now;
            alert.acknowledgedBy = caller.getSubject();
        }
        alert.state = AlertState.RESOLVED;
        alert.resolvedAt = now;
        alert.resolvedBy = caller.getSubject();
        alert.note = note;
        trail.append("ALERT_RESOLVED", caller, Map.of("alert", alert.id, "rule", alert.rule));
        return alert;
    }

    /**
     * Links alerts to a breach incident, in the caller's transaction (the incident's creation or
     * change). Unknown ids, and alerts already part of another incident, are refused. An open alert
     * is acknowledged by the link only when the caller may triage alerts ({@code triage}); for
     * anyone else it stays open in the security officer's queue.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<SecurityAlert> link(Collection<String> alertIds, String incidentId, boolean triage, JsonWebToken caller) {
        List<SecurityAlert> linked = new ArrayList<>();
        for (String id : new TreeSet<>(alertIds)) { // locked in one order: two links never wait on each other
            SecurityAlert alert = locked(id);
            if (alert.incidentId != null && !alert.incidentId.equals(incidentId)) {
                throw new Refusal(409, "alert_linked", "Alert " + alert.id + " is part of another incident already");
            }
            alert.incidentId = incidentId;
            if (alert.state == AlertState.OPEN && triage) {
                alert.state = AlertState.ACKNOWLEDGED;
                alert.acknowledgedAt = Instant.now();
                alert.acknowledgedBy = caller.getSubject();
            }
            trail.append("ALERT_LINKED", caller, Map.of("alert", alert.id, "incident", incidentId));
            linked.add(alert);
        }
        return linked;
    }

    private SecurityAlert locked(String id) {
        SecurityAlert alert = id == null || id.length() > 36 ? null : em.find(SecurityAlert.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (alert == null) {
            throw new Refusal(404, "unknown_alert", "No alert with this id");
        }
        return alert;
    }

    /** The ids of the alerts linked to an incident, oldest first. */
    @Transactional
    public List<String> ofIncident(String incidentId) {
        return em.createQuery("select a.id from SecurityAlert a where a.incidentId = :i order by a.raisedAt", String.class)
                .setParameter("i", incidentId).getResultList();
    }

    /** Alerts about the person (their account) or set off by them, for their export. */
    @Transactional
    public List<SecurityAlert> about(String subjectId) {
        return em.createQuery("select a from SecurityAlert a where a.subjectId = :s or a.actorUserId = :s order by a.raisedAt",
                        SecurityAlert.class)
                .setParameter("s", subjectId).setMaxResults(10_000).getResultList();
    }

    /** At erasure: the addresses stored with alerts about or by the person go; the alerts stay (security records). */
    @Transactional
    public int forget(String subjectId) {
        return em.createQuery("update SecurityAlert a set a.actorIp = null"
                        + " where (a.subjectId = :s or a.actorUserId = :s) and a.actorIp is not null")
                .setParameter("s", subjectId).executeUpdate();
    }

    /** Counts by rule, severity and state, and how long acknowledgement and resolution took, for alerts raised since {@code since}. */
    @Transactional
    public Summary summary(Instant since) {
        Map<String, Long> byRule = counts("a.rule", since);
        Map<String, Long> bySeverity = counts("a.severity", since);
        Map<String, Long> byState = new TreeMap<>();
        counts("a.state", since).forEach((state, n) -> byState.put(AlertState.valueOf(state).wire(), n));
        List<Object[]> times = em.createQuery("select a.raisedAt, a.acknowledgedAt, a.resolvedAt from SecurityAlert a"
                + " where a.raisedAt >= :since", Object[].class).setParameter("since", since).getResultList();
        List<Long> toAck = new ArrayList<>();
        List<Long> toResolve = new ArrayList<>();
        Instant oldestOpen = null;
        for (Object[] t : times) {
            Instant raised = (Instant) t[0];
            if (t[1] != null) {
                toAck.add(Math.max(0, Duration.between(raised, (Instant) t[1]).toSeconds()));
            } else if (oldestOpen == null || raised.isBefore(oldestOpen)) {
                oldestOpen = raised;
            }
            if (t[2] != null) {
                toResolve.add(Math.max(0, Duration.between(raised, (Instant) t[2]).toSeconds()));
            }
        }
        return new Summary(since, times.size(), byRule, bySeverity, byState, Durations.of(toAck), Durations.of(toResolve), oldestOpen);
    }

    private Map<String, Long> counts(String field, Instant since) {
        Map<String, Long> counts = new TreeMap<>();
        for (Object[] row : em.createQuery("select " + field + ", count(a) from SecurityAlert a where a.raisedAt >= :since group by "
                + field, Object[].class).setParameter("since", since).getResultList()) {
            counts.put(String.valueOf(row[0]), (Long) row[1]);
        }
        return counts;
    }

    public record Summary(Instant since, long total, Map<String, Long> byRule, Map<String, Long> bySeverity,
                          Map<String, Long> byState, Durations timeToAcknowledge, Durations timeToResolve, Instant oldestOpenRaisedAt) {
    }

    /** Seconds: how many, mean, median and 90th percentile (nearest rank); null figures when there are none. */
    public record Durations(long count, Long meanSeconds, Long medianSeconds, Long p90Seconds) {
        static Durations of(List<Long> seconds) {
            if (seconds.isEmpty()) {
                return new Durations(0, null, null, null);
            }
            List<Long> sorted = seconds.stream().sorted().toList();
            long sum = sorted.stream().mapToLong(Long::longValue).sum();
            return new Durations(sorted.size(), Math.round((double) sum / sorted.size()), rank(sorted, 0.5), rank(sorted, 0.9));
        }

        private static long rank(List<Long> sorted, double p) {
            return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }
}
