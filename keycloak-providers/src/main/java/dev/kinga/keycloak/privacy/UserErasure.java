package dev.kinga.keycloak.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.AuditErasure;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;

import java.time.Instant;

/**
 * Erases one user, in one transaction (everything or nothing): the user's events in Keycloak's
 * event store; the user's representation, details (username, e-mail) and IP address in stored
 * admin events; the personal part of every Kinga audit record about or by the user; the user's
 * name on the API keys they created or revoked; and then the user, with Keycloak's own cascade (sessions, offline sessions,
 * credentials including TOTP, backup codes and trusted devices, consents, identity-provider
 * links, group and role memberships). Answers a receipt with what each store erased.
 */
final class UserErasure {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EntityManager em;

    UserErasure(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    ObjectNode erase(UserModel user) {
        String userId = user.getId();
        ObjectNode receipt = JSON.createObjectNode();
        receipt.put("userId", userId);
        receipt.put("realm", realm.getName());

        ObjectNode keycloak = receipt.putObject("keycloak");
        keycloak.put("sessions", session.sessions().getUserSessionsStream(realm, user).count());
        keycloak.put("offlineSessions", session.sessions().getOfflineUserSessionsStream(realm, user).count());
        keycloak.put("credentials", user.credentialManager().getStoredCredentialsStream().count());
        keycloak.put("identityProviderLinks", session.users().getFederatedIdentitiesStream(realm, user).count());
        keycloak.put("events", em.createQuery("delete from EventEntity e where e.realmId = :realmId and e.userId = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate());
        keycloak.put("adminEventsAboutUser", em.createQuery("update AdminEventEntity a set a.representation = null, a.detailsJson = null"
                        + " where a.realmId = :realmId and (a.resourcePath = :path or a.resourcePath like :below)")
                .setParameter("realmId", realm.getId())
                .setParameter("path", "users/" + userId)
                .setParameter("below", "users/" + userId + "/%")
                .executeUpdate());
        keycloak.put("adminEventsByUser", em.createQuery("update AdminEventEntity a set a.authIpAddress = null"
                        + " where a.realmId = :realmId and a.authUserId = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate());

        AuditErasure.Result audit = AuditErasure.erase(session, realm, userId);
        receipt.putObject("audit")
                .put("personalPartsErased", audit.personalPartsErased())
                .put("legacyRecordsKept", audit.legacyRecordsKept())
                .put("pendingDeliveriesRewritten", audit.pendingDeliveriesRewritten());

        int created = em.createQuery("update ApiKeyEntity k set k.createdBy = null where k.realmId = :realmId and k.createdBy = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        int revoked = em.createQuery("update ApiKeyEntity k set k.revokedBy = null where k.realmId = :realmId and k.revokedBy = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        receipt.putObject("apiKeys").put("creatorErased", created).put("revokerErased", revoked);

        boolean removed = new UserManager(session).removeUser(realm, user);
        keycloak.put("user", removed ? 1 : 0);
        if (!removed) {
            throw new IllegalStateException("Keycloak refused to remove the user");
        }
        receipt.put("erasedAt", Instant.now().toString());
        return receipt;
    }
}
