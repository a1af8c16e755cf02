package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.model.BackupCodeCount;
import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.OptionalInt;

/**
 * The second factors a user has: a TOTP credential, a set of backup codes, and how many codes
 * are left. A used-up set still counts as a factor: the user is then asked for a code they no
 * longer have (an admin recovers the account), never let in with the password alone. Read from
 * the stored credentials, so the rules above the factors need none of their providers.
 */
public record Factors(boolean totp, boolean backupSet, int backupCodes) {

    public static Factors of(KeycloakSession session, RealmModel realm, UserModel user) {
        OptionalInt codes = remainingInSet(user);
        return new Factors(user.credentialManager().getStoredCredentialsByTypeStream(MfaIds.TOTP).findAny().isPresent(),
                codes.isPresent(), codes.orElse(0));
    }

    /** Codes left in the user's set; empty when the user has no set (a used-up set is 0, not empty). */
    public static OptionalInt remainingInSet(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(MfaIds.BACKUP_CODES).findFirst()
                .map(c -> OptionalInt.of(BackupCodeCount.parse(c.getCredentialData()).remaining())).orElse(OptionalInt.empty());
    }

    public boolean any() {
        return totp || backupSet;
    }
}
