package dev.kinga.keycloak.apikey;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SPI options of the {@code kinga-api-key} client authenticator, read once at startup
 * ({@code --spi-client-authenticator--kinga-api-key--<option>}). See docs/configuration.md.
 *
 * @param pepper            literal pepper for the keyed hash (32+ characters), or null when a vault secret is named
 * @param pepperVaultSecret name of the realm vault secret holding the pepper, or null
 */
public record ApiKeyConfig(
        byte[] pepper,
        String pepperVaultSecret,
        int maxLifetimeDays,
        int rotationOverlapHours,
        int rateLimitPerMinute,
        int rateLimitBurst,
        int rateLimitSyncMillis,
        String gatewayRole,
        int cacheSize,
        int usageIntervalSeconds,
        boolean registerInClientFlow) {

    static final String PEPPER = "pepper";
    static final String PEPPER_VAULT_SECRET = "pepper-vault-secret";
    static final String MAX_LIFETIME_DAYS = "max-lifetime-days";
    static final String ROTATION_OVERLAP_HOURS = "rotation-overlap-hours";
    static final String RATE_LIMIT_PER_MINUTE = "rate-limit-per-minute";
    static final String RATE_LIMIT_BURST = "rate-limit-burst";
    static final String RATE_LIMIT_SYNC_MS = "rate-limit-sync-ms";
    static final String GATEWAY_ROLE = "gateway-role";
    static final String CACHE_SIZE = "cache-size";
    static final String USAGE_INTERVAL_SECONDS = "usage-interval-seconds";
    static final String REGISTER_IN_CLIENT_FLOW = "register-in-client-flow";

    static final int MIN_PEPPER_LENGTH = 32;

    public static ApiKeyConfig from(Config.Scope scope) {
        String pepper = scope.get(PEPPER);
        String vaultSecret = scope.get(PEPPER_VAULT_SECRET);
        if ((pepper == null || pepper.isBlank()) && (vaultSecret == null || vaultSecret.isBlank())) {
            throw new IllegalStateException("Kinga API keys need a pepper: set --spi-client-authenticator--kinga-api-key--"
                    + PEPPER + " (32+ characters, e.g. from a config keystore) or --spi-client-authenticator--kinga-api-key--"
                    + PEPPER_VAULT_SECRET + " (the name of a vault secret)");
        }
        if (pepper != null && !pepper.isBlank() && pepper.length() < MIN_PEPPER_LENGTH) {
            throw new IllegalStateException("Kinga API keys: the option " + PEPPER + " must be at least "
                    + MIN_PEPPER_LENGTH + " characters long");
        }
        ApiKeyConfig config = new ApiKeyConfig(
                pepper == null || pepper.isBlank() ? null : pepper.getBytes(StandardCharsets.UTF_8),
                vaultSecret == null || vaultSecret.isBlank() ? null : vaultSecret.trim(),
                positive(scope, MAX_LIFETIME_DAYS, 365),
                nonNegative(scope, ROTATION_OVERLAP_HOURS, 24),
                positive(scope, RATE_LIMIT_PER_MINUTE, 600),
                positive(scope, RATE_LIMIT_BURST, 60),
                positive(scope, RATE_LIMIT_SYNC_MS, 500),
                scope.get(GATEWAY_ROLE, "api-gateway"),
                positive(scope, CACHE_SIZE, 10_000),
                positive(scope, USAGE_INTERVAL_SECONDS, 60),
                scope.getBoolean(REGISTER_IN_CLIENT_FLOW, true));
        return config;
    }

    private static int positive(Config.Scope scope, String name, int defaultValue) {
        int value = scope.getInt(name, defaultValue);
        if (value < 1) {
            throw new IllegalStateException("Kinga API keys: the option " + name + " must be at least 1, got " + value);
        }
        return value;
    }

    private static int nonNegative(Config.Scope scope, String name, int defaultValue) {
        int value = scope.getInt(name, defaultValue);
        if (value < 0) {
            throw new IllegalStateException("Kinga API keys: the option " + name + " must not be negative, got " + value);
        }
        return value;
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(PEPPER).type(ProviderConfigProperty.PASSWORD).secret(true)
                .label("Pepper")
                .helpText("Secret key (32+ characters) of the HMAC-SHA-256 that API keys are stored under. "
                        + "Changing it invalidates every key. Prefer a config keystore or the vault option.")
                .add()
                .property().name(PEPPER_VAULT_SECRET).type(ProviderConfigProperty.STRING_TYPE)
                .label("Pepper vault secret")
                .helpText("Name of the realm vault secret holding the pepper (used instead of the pepper option).")
                .add()
                .property().name(MAX_LIFETIME_DAYS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(365)
                .label("Maximum lifetime (days)")
                .helpText("Longest expiry an API key may be created with. Every key expires.")
                .add()
                .property().name(ROTATION_OVERLAP_HOURS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(24)
                .label("Rotation overlap (hours)")
                .helpText("Default time the old key keeps working after a rotation.")
                .add()
                .property().name(RATE_LIMIT_PER_MINUTE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(600)
                .label("Token requests per minute")
                .helpText("Per key, over all nodes of the cluster together: token requests allowed per minute "
                        + "before 429 Too Many Requests.")
                .add()
                .property().name(RATE_LIMIT_BURST).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(60)
                .label("Token request burst")
                .helpText("Per key, over all nodes: requests allowed at once before the per-minute rate applies.")
                .add()
                .property().name(RATE_LIMIT_SYNC_MS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(500)
                .label("Rate limit sharing interval (ms)")
                .helpText("How often each node tells the others (through the database) what its rate limits admitted. "
                        + "The cluster may admit what the other nodes admitted within one interval beyond the limit.")
                .add()
                .property().name(GATEWAY_ROLE).type(ProviderConfigProperty.STRING_TYPE).defaultValue("api-gateway")
                .label("Gateway role")
                .helpText("Realm role a client's service account needs to call the API key introspection endpoint.")
                .add()
                .property().name(CACHE_SIZE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(10_000)
                .label("Cache size")
                .helpText("API keys kept in memory per node for fast checks. Revocation is still immediate.")
                .add()
                .property().name(USAGE_INTERVAL_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(60)
                .label("Usage interval (seconds)")
                .helpText("How often per key and node 'last used' is written and an aggregated use event is sent.")
                .add()
                .property().name(REGISTER_IN_CLIENT_FLOW).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue(true)
                .label("Register in client flow")
                .helpText("Add the API key authenticator to every realm's client authentication flow.")
                .add()
                .build();
    }
}
