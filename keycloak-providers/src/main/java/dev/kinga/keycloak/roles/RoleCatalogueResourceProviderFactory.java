package dev.kinga.keycloak.roles;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

import java.util.List;

/**
 * Role seeding: loads the catalogue at startup (an invalid one stops the server), seeds the
 * realms it governs after migration and whenever such a realm is created, and serves the
 * admin endpoints under {@code /admin/realms/{realm}/kinga-roles}.
 */
public class RoleCatalogueResourceProviderFactory implements AdminRealmResourceProviderFactory {

    public static final String PROVIDER_ID = "kinga-roles";
    private static final Logger LOG = Logger.getLogger(RoleCatalogueResourceProviderFactory.class);

    private RoleSeedingConfig config;
    /** {@code null} when no catalogue is configured. */
    private RoleCatalogue catalogue;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope scope) {
        config = RoleSeedingConfig.from(scope);
        if (config.catalogue() == null) {
            LOG.info("Kinga role seeding is off: no catalogue configured "
                    + "(--spi-admin-realm-restapi-extension--kinga-roles--catalogue)");
            return;
        }
        try {
            catalogue = RoleCatalogueParser.parse(config.catalogue());
        } catch (InvalidCatalogueException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        LOG.infof("Kinga role catalogue %s loaded: %d realm roles, %d permissions, governing %s",
                catalogue.source(), catalogue.roles().size(),
                catalogue.clients().values().stream().mapToInt(c -> c.permissions().size()).sum(),
                catalogue.realms());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (catalogue != null) {
            factory.register(this::onEvent);
        }
    }

    private void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RealmModel realm = created.getCreatedRealm();
            if (catalogue.governs(realm.getName())) {
                // Same transaction as the realm's creation: the realm never exists without its roles.
                List<String> changes = new RoleSeeder(catalogue).seed(realm);
                LOG.infof("Kinga role catalogue seeded new realm '%s': %d changes", realm.getName(), changes.size());
            }
        } else if (event instanceof PostMigrationEvent migrated && config.seedOnStartup()) {
            seedGovernedRealms(migrated.getFactory());
        }
    }

    /** One transaction for all governed realms: either all are seeded or none is. */
    private void seedGovernedRealms(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            for (String name : catalogue.realms()) {
                RealmModel realm = session.realms().getRealmByName(name);
                if (realm == null) {
                    LOG.infof("Kinga role catalogue: realm '%s' does not exist yet; it is seeded when created", name);
                    continue;
                }
                session.getContext().setRealm(realm);
                List<String> changes = new RoleSeeder(catalogue).seed(realm);
                if (changes.isEmpty()) {
                    LOG.infof("Kinga role catalogue: realm '%s' is up to date (0 changes)", name);
                } else {
                    LOG.infof("Kinga role catalogue: realm '%s' seeded: %d changes: %s", name, changes.size(), changes);
                }
                DriftReport drift = new DriftDetector(catalogue).detect(realm);
                if (!drift.inSync()) {
                    LOG.warnf("Kinga role catalogue: realm '%s' has drifted from the catalogue: %s", name, drift.summary());
                }
            }
        });
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new RoleCatalogueResourceProvider(catalogue);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(RoleSeedingConfig.CATALOGUE)
                .type(ProviderConfigProperty.STRING_TYPE)
                .label("Role catalogue file")
                .helpText("Path of the YAML role catalogue (realm roles, permission clients, composites, default roles)"
                        + " to seed. Empty turns role seeding off. Read once at startup; an invalid file stops the server.")
                .add()
                .property()
                .name(RoleSeedingConfig.SEED_ON_STARTUP)
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .label("Seed on startup")
                .helpText("Seed the realms the catalogue names at every server start. Realms created later are seeded"
                        + " on creation either way.")
                .defaultValue(true)
                .add()
                .build();
    }

    @Override
    public void close() {
        // nothing held
    }
}
