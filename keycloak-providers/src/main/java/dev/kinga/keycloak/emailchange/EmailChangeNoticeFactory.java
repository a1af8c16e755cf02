package dev.kinga.keycloak.emailchange;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
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
    private static final String ACTION_PATH = "authentication/required-actions/" + UpdateEmailAction.ALIAS;
    private static final Logger LOG = Logger.getLogger(EmailChangeNoticeFactory.class);
    private KeycloakSessionFactory factory;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                // UPDATE_EMAIL, and any other event that changed the address (UPDATE_PROFILE carries the same details).
                if (event.getUserId() == null || event.getDetails() == null) {
                    return;
                }
                String previous = event.getDetails().get(Details.PREVIOUS_EMAIL);
                String updated = event.getDetails().get(Details.UPDATED_EMAIL);
                if (previous == null || previous.isBlank() || previous.equalsIgnoreCase(updated)) {
                    return;
                }
                String realmId = event.getRealmId();
                String userId = event.getUserId();
                session.getTransactionManager().enlistAfterCompletion(afterCommit(() ->
                        KeycloakModelUtils.runJobInTransaction(factory, s -> EmailChangeNotice.send(s, realmId, userId, previous, updated))));
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                // An admin who switches the action off or lengthens its maximum age: set right after their change commits.
                String path = event.getResourcePath();
                if (path == null || !path.startsWith(ACTION_PATH)) {
                    return;
                }
                String realmId = event.getRealmId();
                session.getTransactionManager().enlistAfterCompletion(afterCommit(() -> KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    RealmModel realm = s.realms().getRealm(realmId);
                    if (realm != null) {
                        UpdateEmailAction.require(realm);
                    }
                })));
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    /** Runs {@code work} once the request's transaction has committed (nothing when it rolled back); a failure is a log line. */
    private static AbstractKeycloakTransaction afterCommit(Runnable work) {
        return new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    // The change stands; only the follow-up is lost, and the event is in the trail.
                    LOG.warnf("Kinga: the follow-up of an e-mail change (the old address told, the action set right) failed (%s)", causes(e));
                }
            }

            @Override
            protected void rollbackImpl() {
                // nothing changed
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
        UpdateEmailAction.warnIfFeatureOff();
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
