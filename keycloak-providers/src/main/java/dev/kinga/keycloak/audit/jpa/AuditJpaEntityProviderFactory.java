package dev.kinga.keycloak.audit.jpa;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public class AuditJpaEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "kinga-audit";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new AuditJpaEntityProvider();
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
        // nothing held
    }
}
