package dev.kinga.keycloak.mfa.model;

import dev.kinga.keycloak.testing.Fake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class MfaSessionTest {

    private final Map<String, String> notes = new HashMap<>();

    @AfterEach
    void realClock() {
        Time.setOffset(0);
    }

    @Test
    void aCodeCheckedNowCountsForAmrAndForTheStepUpUntilItIsTooOld() {
        AuthenticationSessionModel login = login();
        MfaSession.passed(login);
        UserSessionModel session = userSession(notes);

        assertTrue(MfaSession.passedInThisAuthentication(session));
        assertTrue(Math.abs(Time.currentTime() - MfaSession.lastCodeCheck(session)) <= 1, "when the code was checked");
        assertTrue(MfaSession.passedWithin(login, () -> fail("the login's own note is enough"), 300));
        Time.setOffset(301);
        assertFalse(MfaSession.passedWithin(login, () -> null, 300), "older than the maximum age");
    }

    @Test
    void anEnrolmentAllowsFactorChangesButIsNotMfa() {
        AuthenticationSessionModel login = login();
        MfaSession.enrolled(login);
        UserSessionModel session = userSession(notes);

        assertTrue(MfaSession.passedWithin(login, () -> null, 300));
        assertFalse(MfaSession.passedInThisAuthentication(session));
        assertEquals(0, MfaSession.lastCodeCheck(session), "no code was checked");
    }

    @Test
    void anEnrolmentAfterACodeDoesNotMoveWhenTheCodeWasChecked() {
        AuthenticationSessionModel login = login();
        MfaSession.passed(login);
        long checked = Time.currentTime();
        Time.setOffset(240);
        MfaSession.enrolled(login);

        UserSessionModel session = userSession(notes);
        assertTrue(MfaSession.passedInThisAuthentication(session));
        assertTrue(Math.abs(checked - MfaSession.lastCodeCheck(session)) <= 1, "still the code's time, not the enrolment's");
        assertTrue(MfaSession.passedWithin(login, () -> null, 300), "factor changes may follow the enrolment");
    }

    @Test
    void aTrustedDeviceSkipOverwritesAnEarlierPass() {
        AuthenticationSessionModel login = login();
        MfaSession.passed(login);
        MfaSession.notPassed(login);
        UserSessionModel session = userSession(notes);

        assertFalse(MfaSession.passedWithin(login, () -> null, 300));
        assertEquals(0, MfaSession.lastCodeCheck(session));
    }

    @Test
    void aLoginWithoutItsOwnNoteLeansOnTheSessionItContinuesAndGarbageCountsAsNothing() {
        Map<String, String> earlier = new HashMap<>(Map.of(MfaSession.MFA_AT, Long.toString(Time.currentTime() - 10)));
        assertTrue(MfaSession.passedWithin(login(), () -> userSession(earlier), 300));
        assertFalse(MfaSession.passedWithin(login(), () -> null, 300), "no session, no pass");
        Map<String, String> garbage = Map.of(MfaSession.MFA_AT, "soon", MfaSession.CODE_CHECKED, "1", MfaSession.CODE_AT, "soon");
        assertFalse(MfaSession.passedWithin(login(), () -> userSession(garbage), 300));
        assertEquals(0, MfaSession.lastCodeCheck(userSession(garbage)));
        Map<String, String> future = Map.of(MfaSession.MFA_AT, Long.toString(Time.currentTime() + 60));
        assertFalse(MfaSession.passedWithin(login(), () -> userSession(future), 300), "a note from the future is not a pass");
    }

    private AuthenticationSessionModel login() {
        notes.clear();
        return Fake.of(AuthenticationSessionModel.class)
                .answers("setUserSessionNote", args -> notes.put((String) args[0], (String) args[1]))
                .answers("getUserSessionNotes", args -> Map.copyOf(notes))
                .build();
    }

    private static UserSessionModel userSession(Map<String, String> notes) {
        Map<String, String> copy = Map.copyOf(notes);
        return Fake.of(UserSessionModel.class).answers("getNote", args -> copy.get((String) args[0])).build();
    }
}
