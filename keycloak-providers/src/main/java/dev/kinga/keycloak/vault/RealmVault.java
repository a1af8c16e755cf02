package dev.kinga.keycloak.vault;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/** Reads a named secret from Keycloak's vault for a realm (the vault resolves secrets of the context realm). */
public final class RealmVault {

    private RealmVault() {
    }

    public static Optional<String> read(KeycloakSession session, RealmModel realm, String secretName) {
        KeycloakContext context = session.getContext();
        RealmModel previous = context.getRealm();
        context.setRealm(realm);
        try (var secret = session.vault().getStringSecret("${vault." + secretName + "}")) {
            return secret.get();
        } finally {
            context.setRealm(previous);
        }
    }
}
