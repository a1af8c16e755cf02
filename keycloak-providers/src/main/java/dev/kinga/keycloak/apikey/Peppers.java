package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.vault.RealmVault;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.nio.charset.StandardCharsets;
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
        String value = RealmVault.read(session, realm, vaultSecret).orElse("");
        if (value.length() < ApiKeyConfig.MIN_PEPPER_LENGTH) {
            throw new IllegalStateException("vault secret '" + vaultSecret + "' of realm " + realm.getName()
                    + " is missing or shorter than " + ApiKeyConfig.MIN_PEPPER_LENGTH + " characters");
        }
        return new ApiKeyHasher(value.getBytes(StandardCharsets.UTF_8));
    }
}
