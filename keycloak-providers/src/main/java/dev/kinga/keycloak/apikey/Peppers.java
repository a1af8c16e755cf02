package dev.kinga.keycloak.apikey;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HMAC pepper: the SPI option when set, otherwise the realm's vault secret named by
 * {@code pepper-vault-secret} (read once per realm and node). A realm without a usable pepper
 * refuses to create or accept keys rather than hashing with a weak one.
 */
final class Peppers {

    private final ApiKeyHasher configured;
    private final String vaultSecret;
    private final ConcurrentHashMap<String, ApiKeyHasher> fromVault = new ConcurrentHashMap<>();

    Peppers(ApiKeyConfig config) {
        this.configured = config.pepper() == null ? null : new ApiKeyHasher(config.pepper());
        this.vaultSecret = config.pepperVaultSecret();
    }

    ApiKeyHasher hasher(KeycloakSession session, RealmModel realm) {
        if (configured != null) {
            return configured;
        }
        return fromVault.computeIfAbsent(realm.getId(), id -> readVault(session, realm));
    }

    private ApiKeyHasher readVault(KeycloakSession session, RealmModel realm) {
        KeycloakContext context = session.getContext();
        RealmModel previous = context.getRealm();
        context.setRealm(realm); // the vault resolves secrets of the context realm
        try (var secret = session.vault().getStringSecret("${vault." + vaultSecret + "}")) {
            Optional<String> value = secret.get();
            if (value.isEmpty() || value.get().length() < ApiKeyConfig.MIN_PEPPER_LENGTH) {
                throw new IllegalStateException("vault secret '" + vaultSecret + "' of realm " + realm.getName()
                        + " is missing or shorter than " + ApiKeyConfig.MIN_PEPPER_LENGTH + " characters");
            }
            return new ApiKeyHasher(value.get().getBytes(StandardCharsets.UTF_8));
        } finally {
            context.setRealm(previous);
        }
    }
}
