package dev.kinga.keycloak.mfa.flow;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

import java.util.Set;

/**
 * Wrong second factors against the realm's brute-force protection. Keycloak's protector counts
 * only the categories {@code password}, {@code otp} and {@code recovery-authn-codes}, and the
 * authentication processor reports each step under its own category ({@code kinga-totp}, which
 * it ignores). So a wrong TOTP or backup code is reported here as {@code otp}: it counts toward
 * the lockout after {@code failureFactor}, the secondary-factor lockout
 * ({@code maxSecondaryAuthFailures}) and Kinga's step-up, exactly as a wrong stock OTP code does.
 */
final class SecondFactorFailures {

    private static final Set<String> CATEGORY = Set.of(CredentialModel.OTP);

    private SecondFactorFailures() {
    }

    /** Counts one wrong code (no-op when the realm has brute-force protection off). */
    static void record(AuthenticationFlowContext context) {
        RealmModel realm = context.getRealm();
        if (realm.isBruteForceProtected()) {
            protector(context.getSession()).failedLogin(realm, context.getUser(), context.getConnection(),
                    context.getUriInfo(), CATEGORY);
        }
    }

    /**
     * Notes a passed second factor as {@code otp} too, so that Keycloak clears the secondary-factor
     * failures on a successful login as it does after a stock OTP code.
     */
    static void passed(AuthenticationFlowContext context) {
        AuthenticatorUtil.addAuthCredential(context.getAuthenticationSession(), CredentialModel.OTP);
    }

    /** The user is locked out (temporarily or permanently): no code may be checked, right or wrong. */
    static boolean lockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!realm.isBruteForceProtected()) {
            return false;
        }
        BruteForceProtector protector = protector(session);
        return protector.isTemporarilyDisabled(session, realm, user) || protector.isPermanentlyLockedOut(session, realm, user);
    }

    private static BruteForceProtector protector(KeycloakSession session) {
        return session.getProvider(BruteForceProtector.class);
    }
}
