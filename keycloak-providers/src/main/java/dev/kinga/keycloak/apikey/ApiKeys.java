package dev.kinga.keycloak.apikey;

import org.keycloak.Config;
import org.keycloak.authentication.ClientAuthenticator;
import org.keycloak.models.KeycloakSessionFactory;

import java.security.SecureRandom;

/**
 * The API-key capability of one node, built once from the {@code kinga-api-key} SPI options: its
 * configuration and its per-node state (key cache, rate limits, usage counters), shared by the
 * client authenticator, the gateway and the admin API.
 */
record ApiKeys(ApiKeyConfig config, ApiKeyVerifier verifier, KeyCache cache, KeyRateLimiter rateLimiter,
               UsageTracker usage, Peppers peppers, ApiKeyFormat format) {

    static ApiKeys from(Config.Scope scope) {
        ApiKeyConfig config = ApiKeyConfig.from(scope);
        KeyCache cache = new KeyCache(config.cacheSize(), System::nanoTime);
        Peppers peppers = new Peppers(config);
        return new ApiKeys(config, new ApiKeyVerifier(cache, peppers), cache,
                new KeyRateLimiter(config.rateLimitPerMinute(), config.rateLimitBurst(), System::nanoTime, System::currentTimeMillis),
                new UsageTracker(config.usageIntervalSeconds(), System::nanoTime), peppers,
                new ApiKeyFormat(new SecureRandom()));
    }

    /** The {@code kinga-api-key} client authenticator's id: its factory builds and holds the node's instance. */
    static final String SOURCE_ID = "kinga-api-key";

    /** What holds the node's instance (the client authenticator factory, which reads the options). */
    interface Source {
        ApiKeys apiKeys();
    }

    /** The node's instance, from its holder. */
    static ApiKeys of(KeycloakSessionFactory factory) {
        return ((Source) factory.getProviderFactory(ClientAuthenticator.class, SOURCE_ID)).apiKeys();
    }
}
