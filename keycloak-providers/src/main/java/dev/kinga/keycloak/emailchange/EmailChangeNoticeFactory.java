package dev.kinga.keycloak.emailchange;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

/**
 * {@code kinga-email-change} event listener (global): an account's e-mail address is where its
 * password resets go, so changing it must not be something a stolen session does quietly.
 * <ul>
 *   <li>At start-up and on realm creation, Keycloak's {@code UPDATE_EMAIL} required action is
 *       enabled ({@link UpdateEmailAction}): the address is then read-only in the Account REST API
 *       and on the update-profile page, and changes only through that action, which asks for a
 *       sign-in within its maximum age (Keycloak's default 5 minutes) first.</li>
 *   <li>When an address changes ({@code UPDATE_EMAIL}), the previous address is told, after the
 *       change commits ({@link EmailChangeNotice}), so the owner learns of a change they did not make.</li>
 * </ul>
 */
public class EmailChangeNoticeFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "kinga-email-change";
    private static final Logger LOG = Logger.getLogger(EmailChangeNoticeFactory.class);
    private KeycloakSessionFactory factory;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() != EventType.UPDATE_EMAIL || event.getUserId() == null || event.getDetails() == null) {
                    return;
                }
                String previous = event.getDetails().get(Details.PREVIOUS_EMAIL);
                String updated = event.getDetails().get(Details.UPDATED_EMAIL);
                if (previous == null || previous.isBlank() || previous.equalsIgnoreCase(updated)) {
                    return;
                }
                String realmId = event.getRealmId();
                String userId = event.getUserId();
                session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                    @Override
                    protected void commitImpl() {
                        try {
                            KeycloakModelUtils.runJobInTransaction(factory,
                                    s -> EmailChangeNotice.send(s, realmId, userId, previous, updated));
                        } catch (RuntimeException e) {
                            // The change stands; only the notice is lost, and the event is in the trail.
                            LOG.warnf("Kinga: could not tell a user's previous e-mail address of the change (%s)", causes(e));
                        }
                    }

                    @Override
                    protected void rollbackImpl() {
                        // the address did not change
                    }
                });
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                // an admin's change is an admin event in the audit trail
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    /** The chain of exception types, without messages (they may hold addresses). */
    private static String causes(Throwable e) {
        StringBuilder chain = new StringBuilder(e.getClass().getSimpleName());
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            chain.append(" < ").append(c.getClass().getSimpleName());
        }
        return chain.toString();
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        // no options: the notice uses the realm's SMTP settings and e-mail theme
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        this.factory = factory;
        factory.register((ProviderEvent event) -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                UpdateEmailAction.require(created.getCreatedRealm());
            } else if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session ->
                        session.realms().getRealmsStream().forEach(UpdateEmailAction::require));
            }
        });
    }

    @Override
    public void close() {
        // nothing held
    }
}
