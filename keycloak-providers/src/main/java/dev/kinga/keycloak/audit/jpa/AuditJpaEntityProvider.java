package dev.kinga.keycloak.audit.jpa;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

import java.util.List;

/** Adds the audit tables to Keycloak's persistence unit; Liquibase creates them on H2 and PostgreSQL. */
public class AuditJpaEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(AuditRecordEntity.class, AuditChainHeadEntity.class, AuditOutboxEntity.class,
                AuditCheckpointEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/jpa-changelog-kinga-audit.xml";
    }

    @Override
    public String getFactoryId() {
        return AuditJpaEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {
        // stateless
    }
}
