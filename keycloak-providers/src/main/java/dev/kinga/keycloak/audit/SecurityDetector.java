package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern CREDENTIAL_PATH = Pattern.compile("users/[^/]+/credentials/[^/]+");
    /** A mapper of a client or client scope: owner kind, owner id, and the mapper's id when one is named. */
    private static final Pattern MAPPER_OWNER = Pattern.compile("(clients|client-scopes)/([^/]+)/protocol-mappers/(?:models/([^/]+)|add-models)");
    private static final Pattern CLIENT_PATH = Pattern.compile("clients/([^/]+)(?:/(.+))?");
    private static final String SIDECAR_AUDIENCE = "kinga-sidecar";
    /** kinga-api permissions whose grant reaches other people's personal data, the trail or accounts (realm-config/roles.yaml). */
    private static final Set<String> OFFICER_PERMISSIONS = Set.of("dsr:manage", "consent:manage", "connectors:manage",
            "breach:manage", "breach:read", "pii:detokenize", "pii:tokenize-deterministic", "audit:read", "security-alerts:read",
            "security-alerts:manage", "users:manage", "api-keys:manage");
    private static final String PERMISSIONS_CLIENT = "kinga-api";
    /** Claims that say who signed in, how and when: only Keycloak itself and Kinga's MFA mapper may write them. */
    private static final Set<String> SIGN_IN_CLAIMS = Set.of("amr", "acr", "auth_time", "sid", "sub", "azp", "aud",
            "resource_access", "realm_access", "session_state");

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
        String path = entry.resource() == null ? "" : entry.resource();
        // Roles that carry Kinga's officer permissions (reaching other people's data), however they
        // travel: granted to a user or group, or added as a composite of another role (a default role, say).
        boolean composite = ("REALM_ROLE".equals(resourceType) || "CLIENT_ROLE".equals(resourceType)) && path.endsWith("/composites");
        if ((roleMapping || composite) && "CREATE".equals(operation) && representation != null && representation.isArray()) {
            List<String> permissions = new ArrayList<>();
            representation.forEach(role -> {
                RoleModel model = realm.getRoleById(role.path("id").asText(""));
                if (model != null) {
                    kingaPermissions(model, permissions);
                }
            });
            if (!permissions.isEmpty()) {
                AuditEntry alert = alert(entry, Severity.CRITICAL, composite ? "kinga-permission-composite" : "kinga-permission-granted",
                        composite ? "Kinga permissions were added to another role: everyone holding it holds them now"
                                : "Kinga permissions that reach personal data were granted");
                ((ObjectNode) alert.details()).putPOJO("permissions", permissions.stream().distinct().sorted().toList());
                alerts.add(alert);
            }
        }
        if (roleMapping && "DELETE".equals(operation) && representation != null && representation.isArray()) {
            List<String> removed = new ArrayList<>();
            representation.forEach(role -> {
                if (config.privilegedRoles().contains(role.path("name").asText(""))) {
                    removed.add(role.path("name").asText());
                }
            });
            if (!removed.isEmpty()) {
                // The first step of a quiet takeover: strip the role, reset the account, grant it back.
                AuditEntry alert = alert(entry, Severity.WARNING, "privileged-role-removed", "A privileged role was taken away");
                ((ObjectNode) alert.details()).putPOJO("roles", removed);
                alerts.add(alert);
            }
        }
        // Keycloak records an admin's removal of a credential as ACTION (DELETE in older versions).
        if (("DELETE".equals(operation) || "ACTION".equals(operation)) && "USER".equals(resourceType)
                && (CREDENTIAL_PATH.matcher(path).matches() || path.matches("users/[^/]+/disable-credential-types"))
                && isPrivileged(realm, entry.subject())) {
            alerts.add(alert(entry, Severity.CRITICAL, "privileged-credential-removed",
                    "An admin removed a credential of a privileged account"));
        }
        if ("USER".equals(resourceType) && path.matches("users/[^/]+/(reset-password|execute-actions-email)")
                && isPrivileged(realm, entry.subject())) {
            alerts.add(alert(entry, Severity.CRITICAL, "privileged-account-reset",
                    "An admin set the password of a privileged account, or sent it actions by e-mail"));
        }
        clientChanges(realm, entry, operation, path, alerts);
        if ("authentication/required-actions/CONFIGURE_TOTP".equals(path) && realm.getRequiredActionProvidersStream()
                .anyMatch(a -> "CONFIGURE_TOTP".equals(a.getAlias()) && a.isEnabled())) {
            alerts.add(alert(entry, Severity.WARNING, "stock-totp-enabled",
                    "Keycloak's own TOTP set-up, whose secrets are not sealed, was switched on (Kinga switches it off at its next start)"));
        }
        if ("REALM".equals(resourceType) && "events/config".equals(path) && eventsWeakened(realm)) {
            alerts.add(alert(entry, Severity.WARNING, "realm-events-weakened",
                    "The realm's events, admin events or their details (which the role rules read) were switched off, or the kinga-audit listener taken off the realm"));
        }
        return alerts;
    }

    /**
     * Changes through which a client admin ({@code manage-clients}) reaches personal data: a mapper
     * that makes tokens for the sidecar, grants {@code kinga-api} permissions or writes the claims
     * that say how and when a person signed in; a client bound to another login flow; any change to,
     * or new secret of, a client Kinga depends on ({@code guarded-clients}). Looked up in the
     * models the event changed, so an admin event recorded without its representation counts too.
     */
    private void clientChanges(RealmModel realm, AuditEntry entry, String operation, String path, List<AuditEntry> alerts) {
        Matcher owner = MAPPER_OWNER.matcher(path);
        if (owner.matches() && ("CREATE".equals(operation) || "UPDATE".equals(operation))) {
            boolean ofClient = "clients".equals(owner.group(1));
            ClientModel client = ofClient ? realm.getClientById(owner.group(2)) : null;
            ClientScopeModel scope = ofClient ? null : realm.getClientScopeById(owner.group(2));
            java.util.stream.Stream<ProtocolMapperModel> mappers = (client != null ? client.getProtocolMappersStream()
                    : scope != null ? scope.getProtocolMappersStream() : java.util.stream.Stream.<ProtocolMapperModel>empty())
                    .filter(m -> owner.group(3) == null || m.getId().equals(owner.group(3)));
            grantingMappers(entry, mappers, ofClient ? "clientId" : "clientScope",
                    client != null ? client.getClientId() : scope != null ? scope.getName() : owner.group(2),
                    "A mapper now puts the sidecar's audience, Kinga permissions or sign-in claims into a client's tokens", alerts);
            if (client != null && config.guardedClients().contains(client.getClientId())) {
                alerts.add(guarded(entry, client, "A mapper of a client Kinga depends on was changed"));
            }
            return;
        }
        Matcher clientPath = CLIENT_PATH.matcher(path);
        if (!clientPath.matches()) {
            return;
        }
        ClientModel client = realm.getClientById(clientPath.group(1));
        if (client == null) {
            return;
        }
        String sub = clientPath.group(2);
        if (sub == null && ("CREATE".equals(operation) || "UPDATE".equals(operation))) {
            if (!client.getAuthenticationFlowBindingOverrides().isEmpty()) {
                AuditEntry alert = alert(entry, Severity.CRITICAL, "client-flow-override",
                        "A client is bound to its own login flow instead of the realm's (which enforces Kinga MFA)");
                ((ObjectNode) alert.details()).put("clientId", client.getClientId());
                ((ObjectNode) alert.details()).putPOJO("overrides", client.getAuthenticationFlowBindingOverrides());
                alerts.add(alert);
            }
            if ("CREATE".equals(operation)) {
                grantingMappers(entry, client.getProtocolMappersStream(), "clientId", client.getClientId(),
                        "A new client's mappers put the sidecar's audience, Kinga permissions or sign-in claims into its tokens", alerts);
            }
        }
        if (config.guardedClients().contains(client.getClientId())) {
            alerts.add(guarded(entry, client, "client-secret".equals(sub) ? "A client Kinga depends on got a new secret"
                    : "A client Kinga depends on was changed"));
        }
    }

    /** A {@code client-grants-kinga-access} alert naming the mappers among these that grant Kinga access, if any. */
    private static void grantingMappers(AuditEntry entry, java.util.stream.Stream<ProtocolMapperModel> mappers, String ownerKind,
                                        String owner, String summary, List<AuditEntry> alerts) {
        List<String> granting = mappers.filter(SecurityDetector::grantsKingaAccess).map(ProtocolMapperModel::getName).toList();
        if (!granting.isEmpty()) {
            AuditEntry alert = alert(entry, Severity.CRITICAL, "client-grants-kinga-access", summary);
            ((ObjectNode) alert.details()).putPOJO("mappers", granting);
            ((ObjectNode) alert.details()).put(ownerKind, owner);
            alerts.add(alert);
        }
    }

    private static AuditEntry guarded(AuditEntry entry, ClientModel client, String summary) {
        AuditEntry alert = alert(entry, Severity.CRITICAL, "guarded-client-changed", summary);
        ((ObjectNode) alert.details()).put("clientId", client.getClientId());
        return alert;
    }

    /** The kinga-api permissions this role is or contains (through composites) that reach other people's data or accounts. */
    private static void kingaPermissions(RoleModel role, List<String> into) {
        java.util.Deque<RoleModel> todo = new java.util.ArrayDeque<>(List.of(role));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            RoleModel r = todo.pop();
            if (!seen.add(r.getId())) {
                continue;
            }
            if (r.isClientRole() && r.getContainer() instanceof ClientModel c && PERMISSIONS_CLIENT.equals(c.getClientId())
                    && OFFICER_PERMISSIONS.contains(r.getName())) {
                into.add(r.getName());
            }
            if (r.isComposite()) {
                r.getCompositesStream().forEach(todo::push);
            }
        }
    }

    /** Whether a mapper makes tokens for the sidecar, grants a kinga-api permission, or writes a sign-in claim of its own. */
    static boolean grantsKingaAccess(ProtocolMapperModel mapper) {
        Map<String, String> c = mapper.getConfig() == null ? Map.of() : mapper.getConfig();
        return switch (mapper.getProtocolMapper()) {
            case "oidc-audience-mapper" -> SIDECAR_AUDIENCE.equals(c.get("included.client.audience"))
                    || String.valueOf(c.get("included.custom.audience")).contains(SIDECAR_AUDIENCE);
            case "oidc-hardcoded-role-mapper" -> String.valueOf(c.get("role")).startsWith(PERMISSIONS_CLIENT + ".");
            case "oidc-role-name-mapper" -> String.valueOf(c.get("new.role.name")).startsWith(PERMISSIONS_CLIENT + ".");
            case "oidc-hardcoded-claim-mapper", "oidc-usermodel-attribute-mapper", "oidc-usermodel-property-mapper",
                 "oidc-usersessionmodel-note-mapper", "oidc-script-based-protocol-mapper" -> signInClaim(c.get("claim.name"));
            default -> false;
        };
    }

    private static boolean signInClaim(String claim) {
        if (claim == null) {
            return false;
        }
        String top = claim.strip().split("\\.", 2)[0].toLowerCase(Locale.ROOT);
        return SIGN_IN_CLAIMS.contains(top);
    }

    /** Events or admin events off, or (when the trail is not global) the kinga-audit listener taken off the realm. */
    private boolean eventsWeakened(RealmModel realm) {
        return !realm.isEventsEnabled() || !realm.isAdminEventsEnabled() || !realm.isAdminEventsDetailsEnabled()
                || !config.global() && realm.getEventsListenersStream().noneMatch(AuditEventListenerProviderFactory.PROVIDER_ID::equals);
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
