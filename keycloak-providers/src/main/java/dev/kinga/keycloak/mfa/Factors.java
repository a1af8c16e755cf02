package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.backup.BackupCodeCredentialProviderFactory;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProvider;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProviderFactory;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.OptionalInt;

/**
 * The second factors a user has: a TOTP credential, a set of backup codes, and how many codes
 * are left. A used-up set still counts as a factor: the user is then asked for a code they no
 * longer have (an admin recovers the account), never let in with the password alone.
 */
public record Factors(boolean totp, boolean backupSet, int backupCodes) {

    public static Factors of(KeycloakSession session, RealmModel realm, UserModel user) {
        OptionalInt codes = BackupCodeCredentialProviderFactory.of(session).remainingInSet(user);
        return new Factors(TotpCredentialProviderFactory.of(session).isConfiguredFor(realm, user, TotpCredentialProvider.TYPE),
                codes.isPresent(), codes.orElse(0));
    }

    public boolean any() {
        return totp || backupSet;
    }
}
