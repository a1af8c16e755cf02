package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.Factors;
import dev.kinga.keycloak.mfa.MfaPolicy;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProvider;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProviderFactory;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;
import java.util.Map;

/**
 * {@code kinga-mfa-direct-grant}: closes the password grant to users who have a second factor
 * or hold a role that must use one. They must send a current TOTP code as {@code otp}; without
 * it, or with a wrong one, the grant answers {@code 401 invalid_grant}. Others pass.
 */
public class MfaDirectGrantAuthenticatorFactory implements AuthenticatorFactory, Authenticator {

    public static final String PROVIDER_ID = MfaIds.DIRECT_GRANT_AUTHENTICATOR;

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        TotpCredentialProvider totp = TotpCredentialProviderFactory.of(session);
        boolean enforced = MfaPolicy.of(context.getAuthenticatorConfig()).enforcedFor(realm, user);
        if (!enforced && !Factors.of(session, realm, user).any()) {
            context.success();
            return;
        }
        context.getEvent().detail(Details.CREDENTIAL_TYPE, MfaIds.TOTP);
        if (SecondFactorFailures.lockedOut(session, realm, user)) {
            context.getEvent().user(user).error(Errors.USER_TEMPORARILY_DISABLED);
            refuse(context);
            return;
        }
        String otp = context.getHttpRequest().getDecodedFormParameters().getFirst("otp");
        TotpCredentialProvider.Check check = otp == null || otp.isBlank() ? null : totp.check(realm, user, otp.strip());
        if (check == TotpCredentialProvider.Check.ACCEPTED) {
            SecondFactorFailures.passed(context);
            context.success();
            return;
        }
        if (check != null && check != TotpCredentialProvider.Check.KEY_UNAVAILABLE) {
            SecondFactorFailures.record(context); // a missing code (or sealing key) is no guess; a wrong code is
        }
        context.getEvent().user(user).detail("reason", check == null ? "mfa_required" : check.name().toLowerCase())
                .error(Errors.INVALID_USER_CREDENTIALS);
        refuse(context);
    }

    private static void refuse(AuthenticationFlowContext context) {
        context.failure(AuthenticationFlowError.INVALID_CREDENTIALS, Response.status(Response.Status.UNAUTHORIZED)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "invalid_grant", "error_description", "Invalid user credentials"))
                .build());
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // no forms in the direct grant flow
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // none: the password grant cannot run required actions
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Kinga MFA (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "In the direct grant flow after the password: users with a second factor, or a role that must use one, "
                + "need a valid TOTP code in the otp parameter. Others pass.";
    }

    @Override
    public String getReferenceCategory() {
        return MfaIds.TOTP;
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
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return MfaPolicy.metadata().stream().filter(p -> p.getName().equals(MfaPolicy.ENFORCED_ROLES)).toList();
    }

    @Override
    public void init(Config.Scope config) {
        // per-realm settings live in the authenticator config
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
