package dev.kinga.keycloak.privacy;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ConfiguredProvider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import java.util.List;

/**
 * Serves {@link SelfServiceLink} at {@code /realms/{realm}/kinga-privacy}: the address the kinga
 * account console and login pages link to for a person's own data, which leads to the privacy
 * sidecar's self-service page wherever it is deployed (the home URL of its client).
 */
public class SelfServiceLinkProviderFactory implements RealmResourceProviderFactory, ConfiguredProvider {

    public static final String PROVIDER_ID = "kinga-privacy";
    static final String PAGE_CLIENT = "page-client";
    static final String DEFAULT_PAGE_CLIENT = "kinga-my-data";
    private String pageClient = DEFAULT_PAGE_CLIENT;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        String client = pageClient;
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new SelfServiceLink(session, client);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    @Override
    public void init(Config.Scope scope) {
        pageClient = scope.get(PAGE_CLIENT, DEFAULT_PAGE_CLIENT);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to look up
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getHelpText() {
        return "Links the account console and login pages to the privacy sidecar's self-service page.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(PAGE_CLIENT).label("Self-service page client")
                .helpText("Client ID of the self-service page's public client; /realms/<realm>/kinga-privacy/my-data leads to its Home URL.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_PAGE_CLIENT).add()
                .build();
    }
}
