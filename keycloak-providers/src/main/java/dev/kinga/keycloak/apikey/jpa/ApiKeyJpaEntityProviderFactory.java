package dev.kinga.keycloak.apikey.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;

/** Adds the API key and rate-limit ledger tables to Keycloak's persistence unit; Liquibase creates it on H2 and PostgreSQL. */
public class ApiKeyJpaEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String PROVIDER_ID = "kinga-api-keys";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(ApiKeyEntity.class, RateTakeEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/jpa-changelog-kinga-api-keys.xml";
    }

    @Override
    public String getFactoryId() {
        return PROVIDER_ID;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to do
    }

    @Override
    public void close() {
        // stateless
    }
}
