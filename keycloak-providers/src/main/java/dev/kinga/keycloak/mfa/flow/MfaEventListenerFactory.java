package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.trust.TrustedDevices;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kinga-mfa} event listener (global): revokes a user's trusted devices, in the same
 * transaction, when their password is changed or reset or a second factor is removed, by the user
 * or an admin, and emits a {@code REMOVE_CREDENTIAL} event for it.
 */
public class MfaEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "kinga-mfa";
    private static final Logger LOG = Logger.getLogger(MfaEventListenerFactory.class);
    private static final Set<String> SECOND_FACTORS = Set.of(MfaIds.TOTP, MfaIds.BACKUP_CODES, "otp");
    private static final Pattern ADMIN_PASSWORD = Pattern.compile("users/([^/]+)/reset-password");
    private static final Pattern ADMIN_CREDENTIAL = Pattern.compile("users/([^/]+)/credentials/[^/]+");

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getUserId() != null && revokes(event)) {
                    revoke(session, event.getRealmId(), event.getUserId(), event.getType().name().toLowerCase());
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                String path = event.getResourcePath() == null ? "" : event.getResourcePath();
                Matcher password = ADMIN_PASSWORD.matcher(path);
                Matcher credential = ADMIN_CREDENTIAL.matcher(path);
                if (path.startsWith("identity-provider") || event.getResourceType() == ResourceType.IDENTITY_PROVIDER) {
                    // created, updated or imported (partial import: identity-provider-settings/...): every provider
                    // without a post-broker flow gets Kinga's
                    RealmModel realm = session.realms().getRealm(event.getRealmId());
                    if (realm != null) {
                        PostBrokerBinding.bindAll(session, realm);
                    }
                }
                if (password.matches()) {
                    revoke(session, event.getRealmId(), password.group(1), "admin_reset_password");
                } else if (credential.matches() && event.getOperationType() == OperationType.DELETE) {
                    revoke(session, event.getRealmId(), credential.group(1), "admin_removed_credential");
                }
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    static boolean revokes(Event event) {
        EventType type = event.getType();
        String credentialType = event.getDetails() == null ? null : event.getDetails().get(Details.CREDENTIAL_TYPE);
        return type == EventType.UPDATE_PASSWORD || type == EventType.RESET_PASSWORD || type == EventType.REMOVE_TOTP
                || (type == EventType.UPDATE_CREDENTIAL && "password".equals(credentialType))
                || (type == EventType.REMOVE_CREDENTIAL && credentialType != null && SECOND_FACTORS.contains(credentialType));
    }

    private static void revoke(KeycloakSession session, String realmId, String userId, String reason) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        int revoked = TrustedDevices.revokeAll(user);
        if (revoked > 0) {
            LOG.debugf("Kinga MFA: revoked %d trusted device(s) of a user of realm %s (%s)", revoked, realm.getName(), reason);
            new EventBuilder(realm, session).event(EventType.REMOVE_CREDENTIAL).user(user)
                    .detail(Details.CREDENTIAL_TYPE, MfaIds.TRUSTED_DEVICE).detail("reason", reason)
                    .detail("count", Integer.toString(revoked)).success();
        }
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
