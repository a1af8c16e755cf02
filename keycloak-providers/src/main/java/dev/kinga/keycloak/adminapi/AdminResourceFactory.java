package dev.kinga.keycloak.adminapi;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * The shape of Kinga's admin REST extensions ({@code /admin/realms/{realm}/<id>}): one stateless
 * object is both the factory and the provider, settings are read once in {@code init}/{@code postInit},
 * and each request gets its own resource from {@code getResource}. Subclasses say their id, their
 * settings, and the resource.
 */
public abstract class AdminResourceFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    @Override
    public final AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    /** Nothing to read by default: most extensions take their settings from another provider's options in postInit. */
    @Override
    public void init(Config.Scope scope) {
        // no options of its own
    }

    @Override
    public final void close() {
        // nothing held
    }
}
