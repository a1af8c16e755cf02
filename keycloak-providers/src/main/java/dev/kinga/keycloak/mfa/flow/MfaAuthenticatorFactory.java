package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.MfaPolicy;
import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderEvent;

import java.util.List;
import java.util.Set;

/**
 * {@code kinga-mfa} ("Kinga MFA" in the flow editor): the browser flow's second factor. At every
 * start it also registers the two enrolment required actions in every realm and checks that each
 * realm running Kinga MFA can open its sealing keys.
 */
public class MfaAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = MfaIds.AUTHENTICATOR;
    private static final MfaAuthenticator SINGLETON = new MfaAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
        // per-realm settings live in the authenticator config
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register((ProviderEvent event) -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                RequiredActionRegistration.register(created.getCreatedRealm());
                PostBrokerBinding.bindAll(created.getKeycloakSession(), created.getCreatedRealm());
            } else if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session ->
                        session.realms().getRealmsStream().forEach(realm -> {
                            RequiredActionRegistration.register(realm);
                            PostBrokerBinding.bindAll(session, realm);
                            SealingKeysCheck.check(session, realm);
                        }));
            }
        });
    }

    @Override
    public String getDisplayType() {
        return "Kinga MFA";
    }

    @Override
    public String getHelpText() {
        return "Second factor after the password: Kinga TOTP or a backup code, trusted devices, "
                + "role-based enforcement and step-up after failed logins. Put it after the username/password form.";
    }

    @Override
    public String getReferenceCategory() {
        return MfaIds.TOTP;
    }

    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(MfaIds.BACKUP_CODES, MfaIds.TRUSTED_DEVICE);
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return MfaPolicy.metadata();
    }

    @Override
    public void close() {
        // nothing held
    }
}
