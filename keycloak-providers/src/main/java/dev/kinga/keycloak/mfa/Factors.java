package dev.kinga.keycloak.mfa;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The second factors a user has: a TOTP credential, and how many backup codes are left. */
record Factors(boolean totp, int backupCodes) {

    static Factors of(KeycloakSession session, RealmModel realm, UserModel user) {
        return new Factors(TotpCredentialProviderFactory.of(session).isConfiguredFor(realm, user, TotpCredentialProvider.TYPE),
                BackupCodeCredentialProviderFactory.of(session).remaining(user));
    }

    boolean any() {
        return totp || backupCodes > 0;
    }
}
