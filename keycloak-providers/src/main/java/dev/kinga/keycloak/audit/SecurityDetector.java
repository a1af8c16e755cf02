package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rules that turn audit records into security alerts ({@code SECURITY_ALERT} records in the
 * same chain, forwarded like any other). They run in the event's transaction, on the records
 * already written, so every node of a cluster sees the same counts.
 */
final class SecurityDetector {

    static final String ALERT = "SECURITY_ALERT";
    /** Credential types whose removal from a privileged account is an alert. */
    private static final Set<String> MFA_CREDENTIAL_TYPES = Set.of("otp", "totp", "webauthn", "webauthn-passwordless",
            "recovery-authn-codes", "kinga-totp", "kinga-backup-codes");

    private final KeycloakSession session;
    private final AuditConfig config;
    private final EntityManager em;

    SecurityDetector(KeycloakSession session, AuditConfig config) {
        this.session = session;
        this.config = config;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** @return alerts to append after {@code entry} */
    List<AuditEntry> afterUserEvent(RealmModel realm, AuditEntry entry) {
        List<AuditEntry> alerts = new ArrayList<>();
        if ("LOGIN_ERROR".equals(entry.type())) {
            failedLogins(realm, entry, alerts);
            credentialStuffing(realm, entry, alerts);
        }
        if (("REMOVE_TOTP".equals(entry.type()) || "REMOVE_CREDENTIAL".equals(entry.type()))
                && entry.details() != null && isMfaCredential(entry.details().path("credential_type").asText("otp"))
                && isPrivileged(realm, entry.subject())) {
            alerts.add(alert(entry, Severity.CRITICAL, "privileged-mfa-removed",
                    "A second factor was removed from a privileged account"));
        }
        return alerts;
    }

    List<AuditEntry> afterAdminEvent(RealmModel realm, AuditEntry entry, String operation, String resourceType,
                                     JsonNode representation) {
        List<AuditEntry> alerts = new ArrayList<>();
        boolean roleMapping = "REALM_ROLE_MAPPING".equals(resourceType) || "CLIENT_ROLE_MAPPING".equals(resourceType);
        if (roleMapping && "CREATE".equals(operation) && representation != null && representation.isArray()) {
            List<String> granted = new ArrayList<>();
            representation.forEach(role -> {
                String name = role.path("name").asText("");
                if (config.privilegedRoles().contains(name)) {
                    granted.add(name);
                }
            });
            if (!granted.isEmpty()) {
                AuditEntry alert = alert(entry, Severity.WARNING, "privileged-role-granted", "A privileged role was granted");
                ((ObjectNode) alert.details()).putPOJO("roles", granted);
                alerts.add(alert);
            }
        }
        if ("DELETE".equals(operation) && "USER".equals(resourceType) && entry.resource() != null
                && entry.resource().matches("users/[^/]+/credentials/[^/]+") && isPrivileged(realm, entry.subject())) {
            alerts.add(alert(entry, Severity.CRITICAL, "privileged-credential-removed",
                    "An admin removed a credential of a privileged account"));
        }
        return alerts;
    }

    private void failedLogins(RealmModel realm, AuditEntry entry, List<AuditEntry> alerts) {
        if (entry.subject() == null) {
            return;
        }
        long since = entry.time() - config.failedLoginWindowSeconds() * 1000L;
        long failures = em.createNamedQuery("kingaAuditCountFailuresForSubject", Long.class)
                .setParameter("realmId", realm.getId())
                .setParameter("subject", entry.subject())
                .setParameter("type", "LOGIN_ERROR")
                .setParameter("since", since)
                .getSingleResult();
        if (failures > 0 && failures % config.failedLoginThreshold() == 0) {
            AuditEntry alert = alert(entry, Severity.CRITICAL, "failed-logins",
                    failures + " failed logins for one account within " + config.failedLoginWindowSeconds() + " s");
            ((ObjectNode) alert.details()).put("failures", failures);
            alerts.add(alert);
        }
    }

    private void credentialStuffing(RealmModel realm, AuditEntry entry, List<AuditEntry> alerts) {
        if (entry.actorIp() == null) {
            return;
        }
        long since = entry.time() - config.stuffingWindowSeconds() * 1000L;
        long accounts = em.createNamedQuery("kingaAuditCountSubjectsFromIp", Long.class)
                .setParameter("realmId", realm.getId())
                .setParameter("ip", entry.actorIp())
                .setParameter("type", "LOGIN_ERROR")
                .setParameter("since", since)
                .getSingleResult();
        if (accounts == config.stuffingUserThreshold()) {
            AuditEntry alert = alert(entry, Severity.CRITICAL, "credential-stuffing",
                    "Failed logins for " + accounts + " accounts from one address within "
                            + config.stuffingWindowSeconds() + " s");
            ((ObjectNode) alert.details()).put("accounts", accounts);
            alerts.add(alert);
        }
    }

    private boolean isMfaCredential(String type) {
        return MFA_CREDENTIAL_TYPES.contains(type);
    }

    /** Whether the user holds (directly or through composites and groups) a privileged role. */
    private boolean isPrivileged(RealmModel realm, String userId) {
        if (userId == null) {
            return false;
        }
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return false;
        }
        ClientModel management = realm.getClientByClientId("realm-management");
        for (String name : config.privilegedRoles()) {
            RoleModel role = realm.getRole(name);
            if (role == null && management != null) {
                role = management.getRole(name);
            }
            if (role != null && user.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    private static AuditEntry alert(AuditEntry cause, Severity severity, String rule, String summary) {
        ObjectNode details = AuditEntry.CANONICAL_JSON.createObjectNode();
        details.put("rule", rule);
        details.put("summary", summary);
        details.put("triggeredBy", cause.type());
        return new AuditEntry(cause.time(), ALERT, severity, "DETECTED", cause.actorUserId(), cause.actorClientId(),
                cause.actorIp(), cause.subject(), cause.resource(), details);
    }
}
