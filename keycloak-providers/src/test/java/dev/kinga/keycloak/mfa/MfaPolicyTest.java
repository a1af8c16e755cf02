package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.testing.Fake;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MfaPolicyTest {

    @Test
    void withoutConfigurationThePrivilegedRolesMustUseMfaAndGetNoTrustedDevices() {
        MfaPolicy policy = MfaPolicy.of(null);
        assertTrue(policy.enforcedRoles().containsAll(List.of("privacy-officer", "security-officer", "therapist",
                "realm-management/manage-users", "realm-management/manage-clients", "kinga-api/pii:detokenize")), policy.toString());
        assertEquals(30, policy.trustDays());
        assertFalse(policy.trustOffered(true), "enforced roles get no trusted device by default");
        assertTrue(policy.trustOffered(false));
        assertEquals(3, policy.riskFailures());
        assertEquals(15, policy.riskWindowMinutes());
    }

    @Test
    void numbersOutOfRangeAreClampedAndUnreadableOnesTakeTheDefault() {
        MfaPolicy policy = MfaPolicy.of(config(Map.of(MfaPolicy.TRUST_DAYS, "9999", MfaPolicy.RISK_FAILURES, "0",
                MfaPolicy.RISK_WINDOW, "a week", MfaPolicy.ENFORCED_ROLES, " therapist ## ##realm-management/manage-users")));
        assertEquals(365, policy.trustDays());
        assertEquals(1, policy.riskFailures());
        assertEquals(15, policy.riskWindowMinutes());
        assertEquals(List.of("therapist", "realm-management/manage-users"), policy.enforcedRoles());
        assertFalse(MfaPolicy.of(config(Map.of(MfaPolicy.TRUST_DAYS, "0"))).trustOffered(false), "0 turns trusted devices off");
    }

    @Test
    void realmRolesByNameAndClientRolesAsClientSlashRoleAreEnforced() {
        RoleModel therapist = role("therapist");
        RoleModel manageUsers = role("manage-users");
        ClientModel realmManagement = Fake.of(ClientModel.class)
                .answers("getRole", args -> "manage-users".equals(args[0]) ? manageUsers : null).build();
        RealmModel realm = Fake.of(RealmModel.class)
                .answers("getRole", args -> "therapist".equals(args[0]) ? therapist : null)
                .answers("getClientByClientId", args -> "realm-management".equals(args[0]) ? realmManagement : null)
                .build();
        MfaPolicy policy = MfaPolicy.of(config(Map.of(MfaPolicy.ENFORCED_ROLES,
                "therapist##realm-management/manage-users##no-such-role##no-such-client/x")));

        assertTrue(policy.enforcedFor(realm, user(Set.of(therapist))));
        assertTrue(policy.enforcedFor(realm, user(Set.of(manageUsers))));
        assertFalse(policy.enforcedFor(realm, user(Set.of(role("client")))));
        assertFalse(policy.enforcedFor(realm, user(Set.of())));
    }

    @Test
    void theRealmsPolicyIsTheConfigurationOfTheKingaStepInItsBrowserFlowAtAnyDepth() {
        AuthenticationFlowModel browser = new AuthenticationFlowModel();
        browser.setId("browser");
        AuthenticationFlowModel forms = new AuthenticationFlowModel();
        forms.setId("forms");
        AuthenticationExecutionModel subflow = new AuthenticationExecutionModel();
        subflow.setAuthenticatorFlow(true);
        subflow.setFlowId("forms");
        AuthenticationExecutionModel mfa = new AuthenticationExecutionModel();
        mfa.setAuthenticator(MfaIds.AUTHENTICATOR);
        mfa.setAuthenticatorConfig("cfg");
        AuthenticatorConfigModel config = config(Map.of(MfaPolicy.TRUST_DAYS, "7"));
        RealmModel realm = Fake.of(RealmModel.class)
                .returns("getBrowserFlow", browser)
                .answers("getAuthenticationFlowsStream", args -> Stream.of(browser, forms))
                .answers("getAuthenticationExecutionsStream", args -> switch ((String) args[0]) {
                    case "browser" -> Stream.of(subflow);
                    case "forms" -> Stream.of(mfa);
                    default -> Stream.empty();
                })
                .answers("getAuthenticatorConfigById", args -> "cfg".equals(args[0]) ? config : null)
                .build();

        assertEquals(7, MfaPolicy.ofRealm(realm).trustDays());
        assertTrue(MfaPolicy.runsIn(realm), "Keycloak lists subflows among a realm's flows");
        RealmModel withoutKinga = Fake.of(RealmModel.class)
                .answers("getAuthenticationFlowsStream", args -> Stream.of(browser))
                .answers("getAuthenticationExecutionsStream", args -> Stream.of(subflow))
                .build();
        assertFalse(MfaPolicy.runsIn(withoutKinga));
    }

    private static AuthenticatorConfigModel config(Map<String, String> values) {
        AuthenticatorConfigModel model = new AuthenticatorConfigModel();
        model.setConfig(values);
        return model;
    }

    private static RoleModel role(String name) {
        return Fake.of(RoleModel.class).returns("getName", name).build();
    }

    private static UserModel user(Set<RoleModel> held) {
        return Fake.of(UserModel.class).answers("hasRole", args -> held.contains(args[0])).build();
    }
}
