package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.crypto.SecretSealer;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.vault.RealmVault;

import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys that seal TOTP secrets and key the backup-code hashes: the SPI options
 * {@code sealing-keys} (+ {@code active-key-id}) of the {@code kinga-totp} credential provider,
 * or, per realm, the vault secret named by {@code sealing-keys-vault-secret} (same format).
 * Without either Keycloak does not start.
 */
public final class MfaKeys {

    static final String SEALING_KEYS = "sealing-keys";
    static final String ACTIVE_KEY_ID = "active-key-id";
    static final String VAULT_SECRET = "sealing-keys-vault-secret";

    /**
     * The provider that holds the node's keys (Kinga's TOTP credential provider factory, configured
     * with the options above): what every MFA piece that seals or hashes asks, through {@link #of}.
     */
    public interface Source {
        MfaKeys mfaKeys();
    }

    private final SecretSealer configured;
    private final String vaultSecret;
    private final String activeKeyId;
    private final ConcurrentHashMap<String, SecretSealer> fromVault = new ConcurrentHashMap<>();

    private MfaKeys(SecretSealer configured, String vaultSecret, String activeKeyId) {
        this.configured = configured;
        this.vaultSecret = vaultSecret;
        this.activeKeyId = activeKeyId;
    }

    public static MfaKeys from(Config.Scope scope) {
        String keys = scope.get(SEALING_KEYS);
        String vault = scope.get(VAULT_SECRET);
        String active = scope.get(ACTIVE_KEY_ID);
        if ((keys == null || keys.isBlank()) && (vault == null || vault.isBlank())) {
            throw new IllegalStateException("Kinga MFA needs a key to seal TOTP secrets: set --spi-credential--kinga-totp--"
                    + SEALING_KEYS + "=<id>:<base64 of 32 random bytes> (e.g. from a config keystore) or "
                    + "--spi-credential--kinga-totp--" + VAULT_SECRET + " (the name of a vault secret holding that)");
        }
        if (keys != null && !keys.isBlank()) {
            try {
                return new MfaKeys(SecretSealer.parse(keys, active), null, active);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Kinga MFA: option " + SEALING_KEYS + ": " + e.getMessage());
            }
        }
        return new MfaKeys(null, vault.trim(), active);
    }

    /** The node's keys, from the provider that holds them. */
    public static MfaKeys of(KeycloakSessionFactory factory) {
        return ((Source) factory.getProviderFactory(CredentialProvider.class, MfaIds.TOTP)).mfaKeys();
    }

    public static MfaKeys of(KeycloakSession session) {
        return of(session.getKeycloakSessionFactory());
    }

    /** The keys come from each realm's vault secret (not from the SPI option). */
    public boolean fromVault() {
        return configured == null;
    }

    /** The sealer of this realm: the configured keys, or the realm's vault secret. */
    public SecretSealer sealer(KeycloakSession session, RealmModel realm) {
        if (configured != null) {
            return configured;
        }
        return fromVault.computeIfAbsent(realm.getId(), id -> readVault(session, realm));
    }

    private SecretSealer readVault(KeycloakSession session, RealmModel realm) {
        String keys = RealmVault.read(session, realm, vaultSecret).orElseThrow(() -> new IllegalStateException(
                "Kinga MFA: vault secret '" + vaultSecret + "' of realm " + realm.getName() + " is missing"));
        return SecretSealer.parse(keys, activeKeyId);
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(SEALING_KEYS).type(ProviderConfigProperty.PASSWORD).secret(true)
                .label("Sealing keys")
                .helpText("AES-256 keys sealing TOTP secrets and keying backup-code hashes: id:base64,id:base64 "
                        + "(32 bytes each). Keep old keys listed after a rotation so existing secrets still open.")
                .add()
                .property().name(ACTIVE_KEY_ID).type(ProviderConfigProperty.STRING_TYPE)
                .label("Active key id")
                .helpText("Key that seals new secrets; the first listed when empty.")
                .add()
                .property().name(VAULT_SECRET).type(ProviderConfigProperty.STRING_TYPE)
                .label("Sealing keys vault secret")
                .helpText("Name of a realm vault secret holding the sealing keys (used when sealing-keys is not set).")
                .add()
                .build();
    }
}
