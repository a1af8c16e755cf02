package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.totp.TotpCredentialProvider;

import org.keycloak.common.util.Time;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
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

    /** User-session note: when this session last passed Kinga MFA (epoch seconds). */
    static final String MFA_AT = "kinga.mfa.at";
    /** "1" when the latest authentication of the session checked a code of a factor the user already had. */
    static final String CODE_CHECKED = "kinga.mfa.code";

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

    /** Marks the login as having passed Kinga MFA now, with a code of an existing factor. */
    public static void passed(AuthenticationSessionModel authSession) {
        authSession.setUserSessionNote(MFA_AT, Long.toString(Time.currentTime()));
        authSession.setUserSessionNote(CODE_CHECKED, "1");
    }

    /**
     * Marks the login as having just enrolled a factor: the user may add backup codes in the same
     * login, but the sign-in does not count as MFA ({@code amr}): the password alone let them enrol.
     */
    public static void enrolled(AuthenticationSessionModel authSession) {
        authSession.setUserSessionNote(MFA_AT, Long.toString(Time.currentTime()));
    }

    /**
     * Marks the login as having ended without a code (trusted device, or no factor): the note an
     * earlier authentication of the same session left is overwritten, so neither a factor change
     * nor the {@code amr} claim can lean on it.
     */
    public static void notPassed(AuthenticationSessionModel authSession) {
        authSession.setUserSessionNote(MFA_AT, "0");
        authSession.setUserSessionNote(CODE_CHECKED, "0");
    }

    /** Whether the latest authentication of this user session checked a code of a factor the user already had. */
    public static boolean passedInThisAuthentication(UserSessionModel userSession) {
        return "1".equals(userSession.getNote(CODE_CHECKED));
    }

    /**
     * When the latest authentication of this user session passed Kinga MFA with a code of a
     * factor the user already had (epoch seconds), or 0: what the privacy sidecar compares a
     * token's {@code amr} and {@code auth_time} with before it reveals personal data.
     */
    public static long lastCodeCheck(UserSessionModel userSession) {
        if (!passedInThisAuthentication(userSession)) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(userSession.getNote(MFA_AT)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An application-initiated action is running: MFA must not be skipped by a trusted device. */
    public static boolean actionInProgress(AuthenticationSessionModel authSession) {
        return authSession.getClientNote(Constants.KC_ACTION) != null;
    }

    /**
     * Whether a change to the user's factors may go ahead in this authentication session: always
     * for a user with no factor yet (first enrolment), otherwise only after Kinga MFA in the last
     * {@value Constants#KC_ACTION_MAX_AGE} seconds of this login (never after a trusted-device skip).
     */
    public static boolean changeAllowed(KeycloakSession session, RealmModel realm, UserModel user, AuthenticationSessionModel authSession) {
        return !Factors.of(session, realm, user).any() || recentMfa(session, realm, authSession);
    }

    private static boolean recentMfa(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession) {
        String at = authSession.getUserSessionNotes().get(MFA_AT);
        if (at == null) {
            UserSessionModel userSession = session.sessions().getUserSession(realm, authSession.getParentSession().getId());
            at = userSession == null ? null : userSession.getNote(MFA_AT);
        }
        try {
            long age = at == null ? -1 : Time.currentTime() - Long.parseLong(at);
            return age >= 0 && age <= Constants.KC_ACTION_MAX_AGE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean lastFactor(KeycloakSession session, RealmModel realm, UserModel user, String type) {
        Factors factors = Factors.of(session, realm, user);
        return TotpCredentialProvider.TYPE.equals(type) ? factors.backupCodes() == 0 : !factors.totp();
    }
}
