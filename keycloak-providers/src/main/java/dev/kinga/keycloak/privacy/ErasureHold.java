package dev.kinga.keycloak.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.time.Instant;

/**
 * The account's state while an erasure waits out its grace period: disabled and signed out
 * everywhere, with what it was before kept in the attribute {@value #ATTRIBUTE}, so cancelling
 * the erasure puts back exactly that (an account an admin had disabled stays disabled).
 * Placing a hold twice keeps the first state; releasing an account without a hold changes nothing.
 */
final class ErasureHold {

    static final String ATTRIBUTE = "kinga.erasure-hold";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;

    ErasureHold(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The hold on the account, or null. */
    ObjectNode of(UserModel user) {
        String stored = user.getFirstAttribute(ATTRIBUTE);
        if (stored == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(stored);
            return node instanceof ObjectNode object ? object : null;
        } catch (java.io.IOException unreadable) {
            return JSON.createObjectNode().put("wasEnabled", false); // fail closed: never re-enable on a broken record
        }
    }

    /** @return the hold, with {@code created} telling whether this call placed it */
    ObjectNode place(UserModel user) {
        ObjectNode existing = of(user);
        ObjectNode hold = existing != null ? existing : JSON.createObjectNode()
                .put("since", Instant.now().toString())
                .put("wasEnabled", user.isEnabled());
        if (existing == null) {
            user.setSingleAttribute(ATTRIBUTE, hold.toString());
        }
        // Whatever the attribute said (an admin may have re-enabled the account, or the attribute was set some other way).
        user.setEnabled(false);
        session.sessions().getUserSessionsStream(realm, user).toList()
                .forEach(s -> session.sessions().removeUserSession(realm, s));
        return hold.deepCopy().put("created", existing == null);
    }

    /** @return the released hold, or null if the account had none */
    ObjectNode release(UserModel user) {
        ObjectNode hold = of(user);
        if (hold == null) {
            return null;
        }
        user.setEnabled(hold.path("wasEnabled").asBoolean(false));
        user.removeAttribute(ATTRIBUTE);
        return hold;
    }
}
