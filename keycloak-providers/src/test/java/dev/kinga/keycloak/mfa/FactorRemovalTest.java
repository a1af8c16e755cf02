package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.mfa.model.BackupCodeCount;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.MfaSession;
import dev.kinga.keycloak.testing.Fake;
import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionProvider;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FactorRemovalTest {

    private static final int NO_SET = -1;

    private final RoleModel therapist = Fake.of(RoleModel.class).returns("getName", "therapist").build();
    private final RealmModel realm = Fake.of(RealmModel.class)
            .returns("getBrowserFlow", null) // the default policy: therapist must use MFA
            .answers("getRole", args -> "therapist".equals(args[0]) ? therapist : null)
            .returns("getClientByClientId", null)
            .build();

    @Test
    void theAccountApisDeleteNeverRemovesAFactorButListingStillOffersTheAction() {
        UserModel user = user(false, true, 4);
        assertFalse(FactorRemoval.allowed(session(null, "DELETE"), user, MfaIds.TOTP));
        assertFalse(FactorRemoval.allowed(session(null, "delete"), user, MfaIds.TOTP), "the method in any case");
        assertTrue(FactorRemoval.allowed(session(null, "GET"), user, MfaIds.TOTP));
    }

    @Test
    void theDeleteActionRemovesAFactorOnlyAfterRecentMfa() {
        UserModel user = user(false, true, 4);
        assertTrue(FactorRemoval.allowed(session(login(true), "POST"), user, MfaIds.TOTP));
        assertFalse(FactorRemoval.allowed(session(login(false), "POST"), user, MfaIds.TOTP), "no MFA in this login or its session");
    }

    @Test
    void someoneWhoMustUseMfaNeverRemovesTheirLastFactor() {
        assertFalse(FactorRemoval.allowed(session(login(true), "POST"), user(true, true, 0), MfaIds.TOTP), "TOTP and no codes left");
        assertFalse(FactorRemoval.allowed(session(login(true), "POST"), user(true, false, 4), MfaIds.BACKUP_CODES), "codes and no TOTP");
        assertTrue(FactorRemoval.allowed(session(login(true), "POST"), user(true, true, 4), MfaIds.TOTP), "codes remain");
        assertTrue(FactorRemoval.allowed(session(login(true), "POST"), user(false, true, 0), MfaIds.TOTP),
                "someone MFA is not required of may remove their only factor");
    }

    @Test
    void aFirstEnrolmentNeedsNoMfaAChangeDoes() {
        assertTrue(FactorRemoval.changeAllowed(session(login(false), "POST"), realm, user(true, false, NO_SET), login(false)));
        assertFalse(FactorRemoval.changeAllowed(session(login(false), "POST"), realm, user(true, true, 0), login(false)));
        assertTrue(FactorRemoval.changeAllowed(session(login(true), "POST"), realm, user(true, true, 0), login(true)));
    }

    private KeycloakSession session(AuthenticationSessionModel login, String method) {
        HttpRequest request = Fake.of(HttpRequest.class).returns("getHttpMethod", method).build();
        KeycloakContext context = Fake.of(KeycloakContext.class)
                .returns("getRealm", realm).returns("getAuthenticationSession", login).returns("getHttpRequest", request).build();
        UserSessionProvider sessions = Fake.of(UserSessionProvider.class).returns("getUserSession", null).build();
        return Fake.of(KeycloakSession.class).returns("getContext", context).returns("sessions", sessions).build();
    }

    private static AuthenticationSessionModel login(boolean passedMfa) {
        Map<String, String> notes = new HashMap<>();
        RootAuthenticationSessionModel root = Fake.of(RootAuthenticationSessionModel.class).returns("getId", "root").build();
        AuthenticationSessionModel login = Fake.of(AuthenticationSessionModel.class)
                .answers("setUserSessionNote", args -> notes.put((String) args[0], (String) args[1]))
                .answers("getUserSessionNotes", args -> Map.copyOf(notes))
                .returns("getParentSession", root)
                .build();
        if (passedMfa) {
            MfaSession.passed(login);
        }
        return login;
    }

    /** A user who may hold the therapist role (MFA required), a TOTP credential, and a set of backup codes with this many left. */
    private UserModel user(boolean therapistRole, boolean totp, int codesLeft) {
        List<CredentialModel> stored = new ArrayList<>();
        if (totp) {
            CredentialModel secret = new CredentialModel();
            secret.setType(MfaIds.TOTP);
            stored.add(secret);
        }
        if (codesLeft != NO_SET) {
            CredentialModel codes = new CredentialModel();
            codes.setType(MfaIds.BACKUP_CODES);
            codes.setCredentialData(new BackupCodeCount(10, codesLeft).json());
            stored.add(codes);
        }
        SubjectCredentialManager credentials = Fake.of(SubjectCredentialManager.class)
                .answers("getStoredCredentialsByTypeStream", args -> stored.stream().filter(c -> c.getType().equals(args[0])))
                .build();
        return Fake.of(UserModel.class)
                .returns("credentialManager", credentials)
                .answers("hasRole", args -> therapistRole && args[0] == therapist)
                .build();
    }
}
