package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/kinga-audit}: query, chain verification, delivery state and
 * pruning. Keycloak has authenticated the admin; each method checks its permission first.
 */
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    static final int MAX_PAGE = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AuditConfig config;
    private final AuditSequencer sequencer;
    private final EntityManager em;

    AuditResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AuditConfig config,
                  AuditSequencer sequencer) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.config = config;
        this.sequencer = sequencer;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Records newest first, filtered. Requires {@code view-events}. */
    @GET
    @Path("records")
    public Response records(@QueryParam("user") String user, @QueryParam("type") String type,
                            @QueryParam("severity") String severity, @QueryParam("from") Long from,
                            @QueryParam("to") Long to, @QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        auth.realm().requireViewEvents();
        int offset = first == null ? 0 : first;
        int limit = max == null ? 100 : max;
        if (offset < 0) {
            return invalid("first must not be negative");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            return invalid("max must be between 1 and " + MAX_PAGE);
        }
        if (severity != null && !List.of("INFO", "WARNING", "ERROR", "CRITICAL").contains(severity.toUpperCase(Locale.ROOT))) {
            return invalid("severity must be one of INFO, WARNING, ERROR, CRITICAL");
        }
        StringBuilder jpql = new StringBuilder("select r from AuditRecordEntity r where r.realmId = :realmId");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("realmId", realm.getId());
        if (user != null && !user.isBlank()) {
            jpql.append(" and (r.subject = :user or r.actorUserId = :user)");
            params.put("user", user);
        }
        if (type != null && !type.isBlank()) {
            jpql.append(" and r.type = :type");
            params.put("type", type);
        }
        if (severity != null) {
            jpql.append(" and r.severity = :severity");
            params.put("severity", severity.toUpperCase(Locale.ROOT));
        }
        if (from != null) {
            jpql.append(" and r.time >= :from");
            params.put("from", from);
        }
        if (to != null) {
            jpql.append(" and r.time <= :to");
            params.put("to", to);
        }
        // Newest first: records still waiting for their place in the chain (seq null) before every linked one.
        jpql.append(" order by r.seq desc nulls first, r.time desc, r.id");
        TypedQuery<AuditRecordEntity> query = em.createQuery(jpql.toString(), AuditRecordEntity.class);
        params.forEach(query::setParameter);
        ArrayNode out = AuditEntry.CANONICAL_JSON.createArrayNode();
        query.setFirstResult(offset).setMaxResults(limit).getResultStream()
                .forEach(r -> out.add(AuditRecordJson.of(r, realm.getName())));
        return Response.ok(out).build();
    }

    /** Recomputes the chain (optionally a range of sequence numbers). Requires {@code view-events}. */
    @GET
    @Path("verify")
    public Response verify(@QueryParam("from") Long from, @QueryParam("to") Long to) {
        auth.realm().requireViewEvents();
        if (from != null && from < 1 || to != null && to < 1 || from != null && to != null && from > to) {
            return invalid("from and to are sequence numbers, 1 <= from <= to");
        }
        try {
            if (sequencer != null) {
                sequencer.drainRealm(realm.getId()); // every record committed before this request is checked
            }
        } catch (RuntimeException e) {
            // verify still answers; what could not be linked is counted as unsequencedRecords
        }
        return Response.ok(new ChainVerifier(session, config).verify(realm, from, to)).build();
    }

    /** Outbox state per sink: what waits, since when, and why. Requires {@code view-events}. */
    @GET
    @Path("delivery")
    public Response delivery() {
        auth.realm().requireViewEvents();
        long now = System.currentTimeMillis();
        Map<String, ObjectNode> bySink = new LinkedHashMap<>();
        config.sinks().forEach(sink -> bySink.put(sink, emptyDelivery(sink)));
        List<Object[]> stats = em.createNamedQuery("kingaOutboxStats", Object[].class)
                .setParameter("realmId", realm.getId()).setParameter("dead", AuditForwarder.DEAD).getResultList();
        for (Object[] row : stats) {
            ObjectNode node = bySink.computeIfAbsent((String) row[0], AuditResource::emptyDelivery);
            node.put("pending", ((Number) row[1]).longValue());
            node.put("lagMillis", Math.max(0, now - ((Number) row[2]).longValue()));
            int attempts = ((Number) row[3]).intValue();
            node.put("failing", attempts > 0);
            node.put("maxAttempts", attempts);
            if (attempts > 0) {
                em.createNamedQuery("kingaOutboxLastError", dev.kinga.keycloak.audit.jpa.AuditOutboxEntity.class)
                        .setParameter("realmId", realm.getId()).setParameter("sink", row[0]).setMaxResults(1)
                        .getResultStream().findFirst().ifPresent(o -> {
                            node.put("lastError", o.getLastError());
                            node.put("nextAttemptAt", o.getNextAttemptAt());
                        });
            }
        }
        // Records a sink refused for what they are, set aside so the rest flows (kept, never retried).
        for (Object[] row : em.createNamedQuery("kingaOutboxDeadLetters", Object[].class)
                .setParameter("realmId", realm.getId()).setParameter("dead", AuditForwarder.DEAD).getResultList()) {
            bySink.computeIfAbsent((String) row[0], AuditResource::emptyDelivery).put("deadLetters", ((Number) row[1]).longValue());
        }
        ArrayNode out = AuditEntry.CANONICAL_JSON.createArrayNode();
        bySink.values().forEach(out::add);
        return Response.ok(out).build();
    }

    /**
     * Prunes records older than {@code before} (epoch ms) behind a signed checkpoint, as
     * retention does on schedule, and records that it did so. Requires {@code manage-events}.
     */
    @POST
    @Path("prune")
    public Response prune(@QueryParam("before") Long before) {
        auth.realm().requireManageEvents();
        if (before == null || before < 0 || before > System.currentTimeMillis()) {
            return invalid("before is required: an epoch-millisecond time that is not in the future");
        }
        long pruned;
        try {
            pruned = Anchors.prune(session, config, realm, before, auth.adminAuth().getUser().getId(),
                    auth.adminAuth().getClient().getClientId());
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        return Response.ok(Map.of("realm", realm.getName(), "pruned", pruned)).build();
    }

    /**
     * Anchors the chain's head now (as the schedule does every {@code anchor-interval-minutes}),
     * e.g. before maintenance. Requires {@code manage-events}; 409 when no anchor key is configured.
     */
    @POST
    @Path("anchor")
    public Response anchor() {
        auth.realm().requireManageEvents();
        if (!config.anchorKeys().configured()) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "not_configured", "error_description",
                            "no anchor key: set the kinga-audit SPI option anchor-keys (see docs/audit.md)")).build();
        }
        String userId = auth.adminAuth().getUser().getId();
        String clientId = auth.adminAuth().getClient().getClientId();
        String realmId = realm.getId();
        // Queued and committed on its own, then linked at once, so the answer can say what it anchored.
        String anchorId = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                s -> Anchors.anchor(s, config, s.realms().getRealm(realmId), userId, clientId));
        Long seq = anchorId == null ? null : linkedSeq(realmId, anchorId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("realm", realm.getName());
        body.put("anchoredSeq", seq);
        return Response.ok(body).build();
    }

    /**
     * The place the sequencer gave a queued record, linking the realm's queue now; a batch another
     * node holds is waited for (up to 5 s: the head is skipped, never blocked on). Null if not linked by then.
     */
    private Long linkedSeq(String realmId, String recordId) {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            if (sequencer != null) {
                sequencer.drainRealm(realmId);
            }
            Long linked = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
                AuditRecordEntity r = s.getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class).getEntityManager()
                        .find(AuditRecordEntity.class, recordId);
                return r == null ? null : r.getSeq();
            });
            if (linked != null || System.currentTimeMillis() > deadline) {
                return linked == null ? null : linked - 1;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** A sink with nothing waiting (also for rows of a sink no longer configured). */
    private static ObjectNode emptyDelivery(String sink) {
        ObjectNode node = AuditEntry.CANONICAL_JSON.createObjectNode();
        node.put("sink", sink);
        node.put("pending", 0);
        node.put("lagMillis", 0);
        node.put("failing", false);
        node.put("deadLetters", 0);
        return node;
    }

    private static Response invalid(String description) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", "invalid_request", "error_description", description))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
