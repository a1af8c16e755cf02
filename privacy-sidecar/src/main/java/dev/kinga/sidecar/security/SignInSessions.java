package dev.kinga.sidecar.security;

import java.util.OptionalLong;

/**
 * What the identity provider itself knows of a person's sign-in session: the port {@link StepUp}
 * checks a token's {@code amr} and {@code auth_time} against, since any client with a mapper can
 * write those claims into a token. Keycloak's {@code kinga-privacy} endpoint answers it.
 */
public interface SignInSessions {

    /**
     * When the session's latest authentication passed MFA with a code (epoch seconds, 0 when it
     * did not), or empty when the person has no such open session.
     * When the provider cannot be asked now, a {@link Refusal} (503): never let through.
     */
    OptionalLong lastMfa(String userId, String sessionId);
}
