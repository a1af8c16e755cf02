package dev.kinga.keycloak.apikey;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@link ApiKeyGatewayResource} at {@code /realms/{realm}/kinga-api-keys}. */
public class ApiKeyGatewayResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "kinga-api-keys";
    private ApiKeys keys;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new ApiKeyGatewayResource(session, keys);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    @Override
    public void init(Config.Scope scope) {
        // configured through the kinga-api-key client authenticator
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        keys = ApiKeys.of(factory);
    }

    @Override
    public void close() {
        // nothing held
    }
}
