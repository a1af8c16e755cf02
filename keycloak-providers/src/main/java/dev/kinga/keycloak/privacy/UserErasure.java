package dev.kinga.keycloak.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.apikey.ApiKeysOfPerson;
import dev.kinga.keycloak.audit.AuditErasure;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;

import java.time.Instant;
import java.util.List;

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

    /** Erases the user; {@code user} null when Keycloak no longer has them: what is left under their id is erased still. */
    ObjectNode erase(String userId, UserModel user) {
        ObjectNode receipt = JSON.createObjectNode();
        receipt.put("userId", userId);
        receipt.put("realm", realm.getName());

        ObjectNode keycloak = receipt.putObject("keycloak");
        keycloak.put("sessions", user == null ? 0 : session.sessions().getUserSessionsStream(realm, user).count());
        keycloak.put("offlineSessions", user == null ? 0 : session.sessions().getOfflineUserSessionsStream(realm, user).count());
        keycloak.put("credentials", user == null ? 0 : user.credentialManager().getStoredCredentialsStream().count());
        keycloak.put("identityProviderLinks", user == null ? 0 : session.users().getFederatedIdentitiesStream(realm, user).count());
        int events = em.createQuery("delete from EventEntity e where e.realmId = :realmId and e.userId = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        if (user != null) {
            events += deleteEventsTyped(user.getUsername());
            events += deleteEventsTyped(user.getEmail());
        }
        keycloak.put("events", events);
        // "users/<id>" and everything below it, as one prefix (a range on IDX_KINGA_ADMIN_EVENT_PATH): a user id
        // is followed in a path by nothing or by "/", so the prefix matches no other user's paths.
        keycloak.put("adminEventsAboutUser", em.createQuery("update AdminEventEntity a set a.representation = null, a.detailsJson = null"
                        + " where a.realmId = :realmId and a.resourcePath like :path escape '!'"
                        + " and (length(a.resourcePath) = :length or substring(a.resourcePath, :length + 1, 1) = '/')")
                .setParameter("realmId", realm.getId())
                .setParameter("path", "users/" + like(userId) + "%")
                .setParameter("length", ("users/" + userId).length())
                .executeUpdate());
        keycloak.put("adminEventsByUser", em.createQuery("update AdminEventEntity a set a.authIpAddress = null"
                        + " where a.realmId = :realmId and a.authUserId = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate());

        List<String> subjects = user == null ? List.of(userId)
                : AuditErasure.subjects(session, realm, userId, user.getUsername(), user.getEmail());
        AuditErasure.Result audit = AuditErasure.erase(session, realm, userId, subjects);
        receipt.putObject("audit")
                .put("personalPartsErased", audit.personalPartsErased())
                .put("legacyRecordsKept", audit.legacyRecordsKept())
                .put("pendingDeliveriesRewritten", audit.pendingDeliveriesRewritten());

        ApiKeysOfPerson.Result keys = ApiKeysOfPerson.erase(session, realm, userId);
        receipt.putObject("apiKeys").put("creatorErased", keys.creatorErased()).put("revokerErased", keys.revokerErased());

        if (user == null) {
            keycloak.put("user", 0);
            receipt.put("userAlreadyGone", true);
        } else if (new UserManager(session).removeUser(realm, user)) {
            keycloak.put("user", 1);
        } else {
            throw new IllegalStateException("Keycloak refused to remove the user");
        }
        receipt.put("erasedAt", Instant.now().toString());
        return receipt;
    }

    /**
     * Events Keycloak stored with no user for what the person typed before the account knew
     * them (a failed login with their username or e-mail, a registration that failed).
     */
    private int deleteEventsTyped(String name) {
        if (name == null || name.isBlank()) {
            return 0;
        }
        return em.createQuery("delete from EventEntity e where e.realmId = :realmId and e.userId is null"
                        + " and e.detailsJson like :typed escape '!'")
                .setParameter("realmId", realm.getId())
                .setParameter("typed", "%\"username\":\"" + like(name) + "\"%")
                .executeUpdate();
    }

    /** The text as a literal inside a LIKE pattern (escape character '!'). */
    private static String like(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
