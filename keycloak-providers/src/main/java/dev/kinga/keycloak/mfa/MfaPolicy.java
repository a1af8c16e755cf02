package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Who must use MFA and when a trusted device may skip it, from the {@code kinga-mfa}
 * authenticator's configuration in the admin console (defaults when it has none).
 */
public record MfaPolicy(List<String> enforcedRoles, int trustDays, boolean trustForEnforced, int riskFailures, int riskWindowMinutes) {

    public static final String ENFORCED_ROLES = "enforced-roles";
    static final String TRUST_DAYS = "trusted-device-days";
    static final String TRUST_FOR_ENFORCED = "trusted-device-for-enforced-roles";
    static final String RISK_FAILURES = "step-up-failed-logins";
    static final String RISK_WINDOW = "step-up-window-minutes";
    static final String DEFAULT_ROLES = "administrator##supervisor##therapist##counselor##admin##privacy-officer##security-officer"
            + "##realm-management/realm-admin##realm-management/manage-users##realm-management/manage-realm"
            + "##realm-management/manage-clients##realm-management/manage-authorization##realm-management/manage-identity-providers"
            + "##realm-management/manage-events"
            // Whoever may reverse pseudonyms, through any role (an admin's own included), must use MFA.
            + "##kinga-api/pii:detokenize##kinga-api/pii:tokenize-deterministic";

    public static MfaPolicy of(AuthenticatorConfigModel model) {
        Map<String, String> c = model == null || model.getConfig() == null ? Map.of() : model.getConfig();
        return new MfaPolicy(
                Arrays.stream(c.getOrDefault(ENFORCED_ROLES, DEFAULT_ROLES).split("##")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                intOf(c, TRUST_DAYS, 30, 0, 365),
                Boolean.parseBoolean(c.getOrDefault(TRUST_FOR_ENFORCED, "false")),
                intOf(c, RISK_FAILURES, 3, 1, 1000),
                intOf(c, RISK_WINDOW, 15, 1, 10_080));
    }

    /** The policy of the {@code kinga-mfa} step in the realm's browser flow (defaults when there is none). */
    static MfaPolicy ofRealm(RealmModel realm) {
        AuthenticationFlowModel browser = realm.getBrowserFlow();
        return of(browser == null ? null : find(realm, browser.getId(), 0));
    }

    /** Whether any flow of the realm runs a Kinga MFA step (browser or direct grant). */
    public static boolean runsIn(RealmModel realm) {
        return realm.getAuthenticationFlowsStream().anyMatch(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                .anyMatch(e -> e.getAuthenticator() != null && MfaIds.AUTHENTICATORS.contains(e.getAuthenticator())));
    }

    private static AuthenticatorConfigModel find(RealmModel realm, String flowId, int depth) {
        if (depth > 10) {
            return null;
        }
        for (AuthenticationExecutionModel execution : realm.getAuthenticationExecutionsStream(flowId).toList()) {
            if (execution.isAuthenticatorFlow()) {
                AuthenticatorConfigModel found = find(realm, execution.getFlowId(), depth + 1);
                if (found != null) {
                    return found;
                }
            } else if (MfaIds.AUTHENTICATOR.equals(execution.getAuthenticator()) && execution.getAuthenticatorConfig() != null) {
                return realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
            }
        }
        return null;
    }

    /**
     * The user holds (directly, by composite or by group) a role that must use MFA: a realm role
     * by name, or a client role as {@code <clientId>/<role>} (the realm's administrators:
     * {@code realm-management/manage-users}, ...).
     */
    public boolean enforcedFor(RealmModel realm, UserModel user) {
        for (String name : enforcedRoles) {
            RoleModel role = role(realm, name);
            if (role != null && user.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    private static RoleModel role(RealmModel realm, String name) {
        int slash = name.indexOf('/');
        if (slash < 0) {
            return realm.getRole(name);
        }
        ClientModel client = realm.getClientByClientId(name.substring(0, slash));
        return client == null ? null : client.getRole(name.substring(slash + 1));
    }

    public boolean trustOffered(boolean enforced) {
        return trustDays > 0 && (!enforced || trustForEnforced);
    }

    private static int intOf(Map<String, String> c, String key, int def, int min, int max) {
        try {
            int v = Integer.parseInt(c.getOrDefault(key, Integer.toString(def)).trim());
            return Math.max(min, Math.min(max, v));
        } catch (NumberFormatException e) {
            return def;
        }
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ENFORCED_ROLES).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).defaultValue(DEFAULT_ROLES)
                .label("Roles that must use MFA")
                .helpText("Roles whose holders must enrol TOTP and always pass a second factor: realm roles by name, client roles "
                        + "as clientId/role (realm-management/manage-users). Others may opt in.")
                .add()
                .property().name(TRUST_DAYS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("30")
                .label("Trusted device days")
                .helpText("After a second factor the user may trust the browser for this many days. 0 turns trusted devices off.")
                .add()
                .property().name(TRUST_FOR_ENFORCED).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .label("Trusted devices for enforced roles")
                .helpText("Let holders of the roles above skip MFA on a trusted device. Off: they always pass MFA.")
                .add()
                .property().name(RISK_FAILURES).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("3")
                .label("Step-up after failed logins")
                .helpText("This many failed logins within the window make even a trusted device pass MFA again.")
                .add()
                .property().name(RISK_WINDOW).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("15")
                .label("Step-up window (minutes)")
                .helpText("How far back failed logins count for the step-up above.")
                .add()
                .build();
    }
}
