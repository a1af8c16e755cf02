package dev.kinga.keycloak.emailchange;

import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;

import java.net.IDN;
import java.util.HashMap;
import java.util.Map;

/**
 * The mail to an account's previous address after its address changed: the realm's e-mail theme's
 * {@code kinga-email-changed.ftl} (theme {@code kinga}, English and Kiswahili), in the person's
 * language. It names the new address only in part, so a mailbox that is no longer theirs learns
 * little, and tells them what to do if they did not make the change.
 */
final class EmailChangeNotice {

    static final String TEMPLATE = "kinga-email-changed.ftl";
    static final String SUBJECT = "kingaEmailChangedSubject";

    private EmailChangeNotice() {
    }

    static void send(KeycloakSession session, String realmId, String userId, String previous, String updated) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        UserModel atPreviousAddress = new UserModelDelegate(user) {
            @Override
            public String getEmail() {
                return previous;
            }
        };
        // Keycloak adds its own attributes (user, realmName, locale) to this map.
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("newAddress", masked(updated));
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(atPreviousAddress)
                    .send(SUBJECT, TEMPLATE, attributes);
        } catch (EmailException e) {
            throw new IllegalStateException("the previous address could not be mailed", e);
        }
    }

    /** {@code amina@example.org} as {@code a•••@example.org}; no address as an empty string. */
    static String masked(String address) {
        if (address == null || address.isBlank()) {
            return "";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return "•••";
        }
        // The domain as DNS knows it, so a look-alike in other scripts shows as xn--…, not as the person's own domain.
        String domain = address.substring(at + 1);
        try {
            domain = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            domain = "•••";
        }
        return address.charAt(0) + "•••@" + domain;
    }
}
