package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.MfaSession;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.Errors;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Who may remove a Kinga second factor, answered through the credential type's "removeable"
 * flag, which Keycloak's own removal paths (the Account REST {@code DELETE} and the
 * {@code delete_credential} application-initiated action) both consult:
 * <ul>
 *   <li>the Account REST {@code DELETE} (any access token, no authentication) never may;</li>
 *   <li>the {@code delete_credential} action may, when this login session passed Kinga MFA in
 *   the last {@value Constants#KC_ACTION_MAX_AGE} seconds (Keycloak re-authenticates older
 *   sessions first, and a trusted device does not skip MFA then);</li>
 *   <li>a user whose role must use MFA never removes the last factor: enrolment would then be
 *   open to whoever holds the password.</li>
 * </ul>
 * Admins remove factors through the admin API (helpdesk recovery, audited).
 */
public final class FactorRemoval {

    private FactorRemoval() {
    }

    /** Whether {@code user} may remove their factor of {@code type} in the current request. */
    public static boolean allowed(KeycloakSession session, UserModel user, String type) {
        RealmModel realm = session.getContext().getRealm();
        if (user == null || realm == null) {
            return true; // type metadata for no user in particular
        }
        if (lastFactor(session, realm, user, type) && MfaPolicy.ofRealm(realm).enforcedFor(realm, user)) {
            return false;
        }
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null) {
            // Outside a login: listing (shows "Delete", which starts the action) yes, the REST removal no.
            HttpRequest request = session.getContext().getHttpRequest();
            return request == null || !"DELETE".equalsIgnoreCase(request.getHttpMethod());
        }
        return recentMfa(session, realm, authSession);
    }

    /**
     * Whether a change to the user's factors may go ahead in this authentication session: always
     * for a user with no factor yet (first enrolment), otherwise only after Kinga MFA in the last
     * {@value Constants#KC_ACTION_MAX_AGE} seconds of this login (never after a trusted-device skip).
     */
    public static boolean changeAllowed(KeycloakSession session, RealmModel realm, UserModel user, AuthenticationSessionModel authSession) {
        return !Factors.of(session, realm, user).any() || recentMfa(session, realm, authSession);
    }

    /**
     * The guard of every required action that changes a factor: a user who already has one changes
     * factors only after Kinga MFA in this login (a trusted-device skip or an old session is not
     * enough). Otherwise the action fails (an application-initiated one returns
     * {@code error=access_denied} to the app) with an event, and this answers true.
     */
    public static boolean refusedWithoutFreshMfa(RequiredActionContext context) {
        if (changeAllowed(context.getSession(), context.getRealm(), context.getUser(), context.getAuthenticationSession())) {
            return false;
        }
        context.getEvent().detail("reason", "fresh_mfa_required").error(Errors.NOT_ALLOWED);
        context.failure();
        return true;
    }

    private static boolean recentMfa(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession) {
        return MfaSession.passedWithin(authSession,
                () -> session.sessions().getUserSession(realm, authSession.getParentSession().getId()), Constants.KC_ACTION_MAX_AGE);
    }

    private static boolean lastFactor(KeycloakSession session, RealmModel realm, UserModel user, String type) {
        Factors factors = Factors.of(session, realm, user);
        return MfaIds.TOTP.equals(type) ? factors.backupCodes() == 0 : !factors.totp();
    }
}
