package dev.kinga.keycloak.mfa.model;

import org.keycloak.common.util.Time;
import org.keycloak.models.Constants;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.function.Supplier;

/**
 * What a sign-in records about Kinga MFA in the user session's notes, and what others read back:
 * when the session last passed MFA, and whether its latest authentication checked a code of a
 * factor the person already had (what {@code amr}, factor changes and the privacy sidecar's
 * step-up lean on). A trusted-device skip overwrites both, so nothing leans on an earlier sign-in.
 */
public final class MfaSession {

    /** User-session note: when this session last passed Kinga MFA (epoch seconds). */
    static final String MFA_AT = "kinga.mfa.at";
    /** "1" when the latest authentication of the session checked a code of a factor the user already had. */
    static final String CODE_CHECKED = "kinga.mfa.code";
    /** When that code was checked (epoch seconds): written only by a code, never by an enrolment. */
    static final String CODE_AT = "kinga.mfa.code-at";

    private MfaSession() {
    }

    /** The login passed Kinga MFA now, with a code of an existing factor. */
    public static void passed(AuthenticationSessionModel authSession) {
        String now = Long.toString(Time.currentTime());
        authSession.setUserSessionNote(MFA_AT, now);
        authSession.setUserSessionNote(CODE_CHECKED, "1");
        authSession.setUserSessionNote(CODE_AT, now);
    }

    /**
     * The login just enrolled a factor: the user may add backup codes in the same login, but the
     * sign-in does not count as MFA ({@code amr}): the password alone let them enrol.
     */
    public static void enrolled(AuthenticationSessionModel authSession) {
        authSession.setUserSessionNote(MFA_AT, Long.toString(Time.currentTime()));
    }

    /**
     * The login ended without a code (trusted device, or no factor): the note an earlier
     * authentication of the same session left is overwritten, so neither a factor change nor the
     * {@code amr} claim can lean on it.
     */
    public static void notPassed(AuthenticationSessionModel authSession) {
        authSession.setUserSessionNote(MFA_AT, "0");
        authSession.setUserSessionNote(CODE_CHECKED, "0");
        authSession.setUserSessionNote(CODE_AT, "0");
    }

    /** Whether the latest authentication of this user session checked a code of a factor the user already had. */
    public static boolean passedInThisAuthentication(UserSessionModel userSession) {
        return "1".equals(userSession.getNote(CODE_CHECKED));
    }

    /**
     * When the latest authentication of this user session passed Kinga MFA with a code of a
     * factor the user already had (epoch seconds), or 0: what the privacy sidecar compares a
     * token's {@code amr} and {@code auth_time} with before it reveals personal data. An enrolment
     * later in the same session does not move it (it proves no factor).
     */
    public static long lastCodeCheck(UserSessionModel userSession) {
        if (!passedInThisAuthentication(userSession)) {
            return 0;
        }
        return epochSeconds(userSession.getNote(CODE_AT));
    }

    /** An application-initiated action is running: MFA must not be skipped by a trusted device. */
    public static boolean actionInProgress(AuthenticationSessionModel authSession) {
        return authSession.getClientNote(Constants.KC_ACTION) != null;
    }

    /**
     * Whether this login passed (or enrolled) Kinga MFA within the last {@code maxAgeSeconds}:
     * from the login's own notes, else from the user session it continues (looked up only then).
     */
    public static boolean passedWithin(AuthenticationSessionModel authSession, Supplier<UserSessionModel> continued, int maxAgeSeconds) {
        String at = authSession.getUserSessionNotes().get(MFA_AT);
        if (at == null) {
            UserSessionModel userSession = continued.get();
            at = userSession == null ? null : userSession.getNote(MFA_AT);
        }
        long when = epochSeconds(at);
        long age = Time.currentTime() - when;
        return when > 0 && age >= 0 && age <= maxAgeSeconds;
    }

    private static long epochSeconds(String note) {
        if (note == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(note));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
