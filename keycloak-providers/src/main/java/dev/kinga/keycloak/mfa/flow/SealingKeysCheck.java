package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.MfaPolicy;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * With sealing keys from the vault, a realm that runs Kinga MFA has its keys read and parsed at
 * start-up, so a missing or bad vault secret shows in the log then, not at someone's sign-in.
 */
final class SealingKeysCheck {

    private static final Logger LOG = Logger.getLogger(SealingKeysCheck.class);

    private SealingKeysCheck() {
    }

    static void check(KeycloakSession session, RealmModel realm) {
        MfaKeys keys = MfaKeys.of(session);
        if (!keys.fromVault() || !MfaPolicy.runsIn(realm)) {
            return;
        }
        try {
            keys.sealer(session, realm);
        } catch (RuntimeException e) {
            LOG.errorf("Kinga MFA: realm %s uses Kinga MFA but its sealing keys cannot be read from the vault: %s. "
                    + "Its users' second factors will be refused as 'invalid code' until the vault secret is fixed.",
                    realm.getName(), e.getMessage());
        }
    }
}
