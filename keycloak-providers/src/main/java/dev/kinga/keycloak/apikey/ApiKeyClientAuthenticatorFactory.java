package dev.kinga.keycloak.apikey;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.ClientAuthenticator;
import org.keycloak.authentication.ClientAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderEvent;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code kinga-api-key} client authenticator ("Kinga API key" in a client's Credentials tab)
 * and the home of the API key capability's per-node state: configuration, cache, rate limits
 * (shared with the other nodes by {@link LimitSync}).
 * Registers itself in every realm's client authentication flow (an alternative that only runs
 * for clients set to it).
 */
public class ApiKeyClientAuthenticatorFactory implements ClientAuthenticatorFactory, ApiKeys.Source {

    public static final String PROVIDER_ID = ApiKeys.SOURCE_ID;
    private static final Logger LOG = Logger.getLogger(ApiKeyClientAuthenticatorFactory.class);

    private ApiKeys keys;
    private LimitSync limitSync;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope scope) {
        keys = ApiKeys.from(scope);
        ApiKeyConfig config = keys.config();
        LOG.infof("Kinga API keys: max lifetime %d days, %d token requests/min per key over the cluster (burst %d), gateway role %s",
                config.maxLifetimeDays(), config.rateLimitPerMinute(), config.rateLimitBurst(), config.gatewayRole());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(RemovalCleanup::onEvent);
        limitSync = new LimitSync(factory, keys.rateLimiter());
        limitSync.start(keys.config().rateLimitSyncMillis());
        if (!keys.config().registerInClientFlow()) {
            return;
        }
        factory.register((ProviderEvent event) -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                ClientFlowRegistration.register(created.getCreatedRealm());
            } else if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session ->
                        session.realms().getRealmsStream().forEach(ClientFlowRegistration::register));
            }
        });
    }

    @Override
    public ClientAuthenticator create() {
        return new ApiKeyClientAuthenticator(keys.verifier(), keys.rateLimiter(), keys.usage());
    }

    @Override
    public ClientAuthenticator create(KeycloakSession session) {
        return create();
    }

    @Override
    public ApiKeys apiKeys() {
        return keys;
    }

    @Override
    public String getDisplayType() {
        return "Kinga API key";
    }

    @Override
    public String getHelpText() {
        return "The client authenticates with one of its Kinga API keys, sent as the client secret "
                + "(HTTP Basic or client_secret). Keys are created, rotated and revoked per client; "
                + "tokens carry only the key's scopes. Manage keys at /realms/<realm>/kinga-api-keys/console "
                + "or through /admin/realms/<realm>/kinga-api-keys.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.ALTERNATIVE, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ApiKeyConfig.metadata();
    }

    @Override
    public List<ProviderConfigProperty> getConfigPropertiesPerClient() {
        return List.of();
    }

    @Override
    public Map<String, Object> getAdapterConfiguration(KeycloakSession session, ClientModel client) {
        return Map.of();
    }

    @Override
    public Set<String> getProtocolAuthenticatorMethods(String loginProtocol) {
        return Set.of(); // not a standard method: not advertised in the discovery document
    }

    @Override
    public void close() {
        if (limitSync != null) {
            limitSync.stop();
        }
    }
}
