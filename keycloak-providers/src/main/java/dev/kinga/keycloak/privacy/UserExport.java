package dev.kinga.keycloak.privacy;

import dev.kinga.keycloak.mfa.model.MfaIds;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.apikey.ApiKeysOfPerson;
import dev.kinga.keycloak.audit.AuditErasure;
import dev.kinga.keycloak.audit.AuditRecordJson;
import dev.kinga.keycloak.audit.Scrubber;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.services.managers.UserConsentManager;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything Keycloak and Kinga hold about one user, as one JSON document (schema
 * {@code kinga.keycloak-user-export/1}, described in docs/privacy.md): profile and attributes,
 * groups, roles, credential metadata (never a secret, a hash or a sealed seed), sessions, client
 * consents, identity-provider links, the user's stored Keycloak events, the Kinga audit records
 * about or by the user, trusted devices, backup codes left and the API keys the user created.
 */
final class UserExport {

    static final String SCHEMA = "kinga.keycloak-user-export/1";
    /** Kinga credential types whose stored metadata ({@code credentialData}) the person may read: never their secret part. */
    private static final Set<String> READABLE_CREDENTIAL_DATA = Set.of(MfaIds.BACKUP_CODES, MfaIds.TRUSTED_DEVICE);
    private static final Set<String> PROFILE_ATTRIBUTES = Set.of(UserModel.USERNAME, UserModel.EMAIL,
            UserModel.FIRST_NAME, UserModel.LAST_NAME, UserModel.EMAIL_VERIFIED);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EntityManager em;

    UserExport(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    ObjectNode of(UserModel user) {
        ObjectNode export = JSON.createObjectNode();
        export.put("schema", SCHEMA);
        export.put("realm", realm.getName());
        export.put("exportedAt", Instant.now().toString());
        export.set("profile", profile(user));
        ArrayNode groups = export.putArray("groups");
        user.getGroupsStream().forEach(g -> groups.add(ModelToRepresentation.buildGroupPath(g)));
        ArrayNode realmRoles = export.putArray("realmRoles");
        user.getRealmRoleMappingsStream().map(RoleModel::getName).sorted().forEach(realmRoles::add);
        export.set("clientRoles", clientRoles(user));
        ArrayNode credentials = export.putArray("credentials");
        user.credentialManager().getStoredCredentialsStream().forEach(c -> credentials.add(credential(c)));
        ArrayNode sessions = export.putArray("sessions");
        session.sessions().getUserSessionsStream(realm, user).forEach(s -> sessions.add(userSession(s)));
        ArrayNode offline = export.putArray("offlineSessions");
        session.sessions().getOfflineUserSessionsStream(realm, user).forEach(s -> offline.add(userSession(s)));
        export.set("consents", consents(user));
        ArrayNode links = export.putArray("identityProviderLinks");
        session.users().getFederatedIdentitiesStream(realm, user).forEach(link -> links.addObject()
                .put("identityProvider", link.getIdentityProvider())
                .put("userId", link.getUserId())
                .put("userName", link.getUserName()));
        export.set("events", events(user));
        export.set("auditRecords", auditRecords(user));
        export.set("apiKeysCreated", apiKeysCreated(user));
        return export;
    }

    private ObjectNode profile(UserModel user) {
        ObjectNode profile = JSON.createObjectNode();
        profile.put("id", user.getId());
        profile.put("username", user.getUsername());
        profile.put("email", user.getEmail());
        profile.put("emailVerified", user.isEmailVerified());
        profile.put("firstName", user.getFirstName());
        profile.put("lastName", user.getLastName());
        profile.put("enabled", user.isEnabled());
        if (user.getCreatedTimestamp() != null) {
            profile.put("createdAt", Instant.ofEpochMilli(user.getCreatedTimestamp()).toString());
        }
        ObjectNode attributes = profile.putObject("attributes");
        new TreeMap<>(user.getAttributes()).forEach((name, values) -> {
            if (!PROFILE_ATTRIBUTES.contains(name)) {
                ArrayNode list = attributes.putArray(name);
                values.forEach(list::add);
            }
        });
        ArrayNode requiredActions = profile.putArray("requiredActions");
        user.getRequiredActionsStream().sorted().forEach(requiredActions::add);
        return profile;
    }

    private static ObjectNode clientRoles(UserModel user) {
        Map<String, ArrayNode> byClient = new TreeMap<>();
        user.getRoleMappingsStream().filter(RoleModel::isClientRole).forEach(role -> {
            String clientId = role.getContainer() instanceof ClientModel client ? client.getClientId() : role.getContainerId();
            byClient.computeIfAbsent(clientId, k -> JSON.createArrayNode()).add(role.getName());
        });
        ObjectNode node = JSON.createObjectNode();
        byClient.forEach(node::set);
        return node;
    }

    /** Type, label and dates; for backup codes and trusted devices their readable metadata. Never secretData. */
    private static ObjectNode credential(CredentialModel c) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", c.getId());
        node.put("type", c.getType());
        node.put("userLabel", c.getUserLabel());
        if (c.getCreatedDate() != null) {
            node.put("createdAt", Instant.ofEpochMilli(c.getCreatedDate()).toString());
        }
        if (READABLE_CREDENTIAL_DATA.contains(c.getType()) && c.getCredentialData() != null) {
            try {
                node.set("metadata", JSON.readTree(c.getCredentialData()));
            } catch (java.io.IOException unreadable) {
                node.put("metadata", "unreadable");
            }
        }
        return node;
    }

    private static ObjectNode userSession(UserSessionModel s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", s.getId());
        node.put("ipAddress", s.getIpAddress());
        node.put("startedAt", Instant.ofEpochSecond(s.getStarted()).toString());
        node.put("lastAccessAt", Instant.ofEpochSecond(s.getLastSessionRefresh()).toString());
        ArrayNode clients = node.putArray("clients");
        s.getAuthenticatedClientSessions().values().stream()
                .map(cs -> cs.getClient().getClientId()).sorted().forEach(clients::add);
        return node;
    }

    private ArrayNode consents(UserModel user) {
        ArrayNode consents = JSON.createArrayNode();
        UserConsentManager.getConsentsStream(session, realm, user).forEach(consent -> {
            ObjectNode node = consents.addObject();
            node.put("clientId", consent.getClient().getClientId());
            ArrayNode scopes = node.putArray("grantedScopes");
            consent.getGrantedClientScopes().forEach(scope -> scopes.add(scope.getName()));
            node.put("createdAt", Instant.ofEpochMilli(consent.getCreatedDate()).toString());
            node.put("lastUpdatedAt", Instant.ofEpochMilli(consent.getLastUpdatedDate()).toString());
        });
        return consents;
    }

    /** The user's events in Keycloak's event store (kept only when the realm stores events), details scrubbed of secrets. */
    private ArrayNode events(UserModel user) {
        ArrayNode events = JSON.createArrayNode();
        EventStoreProvider store = session.getProvider(EventStoreProvider.class);
        if (store == null) {
            return events;
        }
        store.createQuery().realm(realm.getId()).user(user.getId()).getResultStream().forEach(e -> {
            ObjectNode node = events.addObject();
            node.put("time", Instant.ofEpochMilli(e.getTime()).toString());
            node.put("type", e.getType().name());
            node.put("clientId", e.getClientId());
            node.put("ipAddress", e.getIpAddress());
            node.put("error", e.getError());
            node.set("details", Scrubber.details(e.getDetails()));
        });
        return events;
    }

    /** Records about the person or by them about no one else; who else acted on them is named by role only ("an administrator"). */
    private ArrayNode auditRecords(UserModel user) {
        ArrayNode records = JSON.createArrayNode();
        em.createNamedQuery("kingaAuditAboutUser", AuditRecordEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("subjects", AuditErasure.subjects(session, realm, user.getId(), user.getUsername(), user.getEmail()))
                .setParameter("user", user.getId())
                .getResultStream()
                .forEach(r -> {
                    ObjectNode record = AuditRecordJson.of(r, realm.getName());
                    if (r.getActorUserId() != null && !r.getActorUserId().equals(user.getId())) {
                        ObjectNode actor = (ObjectNode) record.path("actor");
                        actor.remove("userId");
                        actor.remove("ip");
                        actor.put("someoneElse", true);
                    }
                    records.add(record);
                });
        return records;
    }

    private ArrayNode apiKeysCreated(UserModel user) {
        return ApiKeysOfPerson.export(session, realm, user.getId());
    }
}
