package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Keycloak user and admin events into audit records, in the event's transaction:
 * scrubbed when the event happens, then chained, queued for the sinks and checked by the
 * detection rules just before that transaction commits.
 */
public class AuditEventListenerProvider implements EventListenerProvider {

    private static final Pattern USER_PATH = Pattern.compile("^users/([^/]{1,80})(/.*)?$");

    private final KeycloakSession session;
    private final AuditConfig config;
    private final Runnable afterCommit;
    private final List<Runnable> pendingAppends = new ArrayList<>();
    private boolean prepareEnlisted;

    /** @param afterCommit run after a transaction that queued records commits (wakes the sequencer) */
    AuditEventListenerProvider(KeycloakSession session, AuditConfig config, Runnable afterCommit) {
        this.session = session;
        this.config = config;
        this.afterCommit = afterCommit;
    }

    @Override
    public void onEvent(Event event) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null) {
            return; // the realm is being removed with its trail
        }
        boolean failure = event.getType().name().endsWith("_ERROR") || event.getError() != null;
        ObjectNode details = Scrubber.details(event.getDetails());
        if (event.getError() != null) {
            details.put("error", event.getError());
        }
        if (event.getSessionId() != null) {
            details.put("sessionId", event.getSessionId());
        }
        String subject = event.getUserId() != null ? event.getUserId() : pseudonym(session, realm, event.getDetails() == null
                ? null : event.getDetails().get("username"));
        if (event.getUserId() == null && details.has("username")) {
            details.put("username", subject); // what was typed for no known account may be a password
        }
        AuditEntry entry = new AuditEntry(event.getTime(), event.getType().name(),
                failure ? Severity.WARNING : Severity.INFO, failure ? "FAILURE" : "SUCCESS",
                event.getUserId(), event.getClientId(), IpAddresses.truncate(event.getIpAddress(), config.ipTruncation()),
                subject, null, details);
        appendBeforeCommit(realm, entry, detector -> detector.afterUserEvent(realm, entry));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null) {
            return;
        }
        String operation = event.getOperationType().name();
        String resourceType = event.getResourceTypeAsString();
        JsonNode representation = includeRepresentation ? Scrubber.representation(event.getRepresentation()) : null;
        ObjectNode details = Scrubber.details(event.getDetails());
        details.put("operation", operation);
        details.put("resourceType", resourceType);
        if (representation != null) {
            details.set("representation", representation);
        }
        if (event.getError() != null) {
            details.put("error", event.getError());
        }
        AuthDetails auth = event.getAuthDetails();
        String path = event.getResourcePath();
        AuditEntry entry = new AuditEntry(event.getTime(), "ADMIN_" + operation + "_" + resourceType,
                adminSeverity(event, resourceType), event.getError() == null ? "SUCCESS" : "FAILURE",
                auth == null ? null : auth.getUserId(), auth == null ? null : auth.getClientId(),
                auth == null ? null : IpAddresses.truncate(auth.getIpAddress(), config.ipTruncation()),
                userIdIn(path), path, details);
        appendBeforeCommit(realm, entry,
                detector -> detector.afterAdminEvent(realm, entry, operation, resourceType, representation));
    }

    /**
     * Queues in the prepare phase of this transaction: still inside it (the records commit or
     * roll back with the event), after the work the event describes. The insert touches no shared
     * row; after the commit the sequencer is woken to give the records their place in the chain.
     */
    private void appendBeforeCommit(RealmModel realm, AuditEntry entry,
                                    Function<SecurityDetector, List<AuditEntry>> alertsFor) {
        pendingAppends.add(() -> {
            AuditTrail trail = new AuditTrail(session);
            trail.append(realm.getId(), entry);
            for (AuditEntry alert : alertsFor.apply(new SecurityDetector(session, config))) {
                trail.append(realm.getId(), alert);
            }
        });
        if (prepareEnlisted) {
            return;
        }
        prepareEnlisted = true;
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                pendingAppends.forEach(Runnable::run);
                pendingAppends.clear();
            }

            @Override
            protected void rollbackImpl() {
                pendingAppends.clear();
            }
        });
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                afterCommit.run();
            }

            @Override
            protected void rollbackImpl() {
                // nothing was queued: the records rolled back with the work
            }
        });
    }

    private static Severity adminSeverity(AdminEvent event, String resourceType) {
        if (event.getError() != null) {
            return Severity.ERROR;
        }
        if ("events/config".equals(event.getResourcePath())) {
            return Severity.WARNING; // what the realm records, and whether this trail hears it
        }
        return switch (event.getOperationType()) {
            case DELETE -> Severity.WARNING;
            case CREATE, UPDATE -> resourceType.endsWith("ROLE_MAPPING") ? Severity.WARNING : Severity.INFO;
            default -> Severity.INFO;
        };
    }

    private static String userIdIn(String resourcePath) {
        if (resourcePath == null) {
            return null;
        }
        Matcher m = USER_PATH.matcher(resourcePath);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * A failed login for an unknown username is tied to a stable pseudonym of what was typed,
     * never to the text itself (people type passwords into the username field). The pseudonym is
     * an HMAC under the realm's active HS512 key, so it cannot be reversed by guessing names
     * without that key; a realm without one falls back to a plain SHA-256.
     */
    static String pseudonym(KeycloakSession session, RealmModel realm, String username) {
        if (username == null || username.isBlank()) {
            return null;
        }
        byte[] typed = username.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        try {
            KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
            byte[] digest;
            if (key != null && key.getSecretKey() != null) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getSecretKey().getEncoded(), "HmacSHA256"));
                digest = mac.doFinal(typed);
            } else {
                digest = MessageDigest.getInstance("SHA-256").digest(typed);
            }
            return "unknown:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException | RuntimeException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
