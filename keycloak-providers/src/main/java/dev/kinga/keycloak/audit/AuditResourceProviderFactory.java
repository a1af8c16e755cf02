package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.adminapi.AdminResourceFactory;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.function.Supplier;

/** Serves {@link AuditResource} at {@code /admin/realms/{realm}/kinga-audit}, with the listener's configuration. */
public class AuditResourceProviderFactory extends AdminResourceFactory {

    public static final String PROVIDER_ID = "kinga-audit";
    private AuditConfig config;
    private Supplier<AuditSequencer> sequencer;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new AuditResource(session, realm, auth, config, sequencer.get());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        config = AuditConfig.of(factory);
        // The same capability's listener factory runs the sequencer; asked per request, as its postInit may come after this one.
        AuditEventListenerProviderFactory listener = (AuditEventListenerProviderFactory) factory
                .getProviderFactory(EventListenerProvider.class, AuditConfig.SOURCE_ID);
        sequencer = listener == null ? () -> null : listener::sequencer; // the listener switched off: nothing is queued
    }
}
