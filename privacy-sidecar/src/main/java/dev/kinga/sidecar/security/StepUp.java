package dev.kinga.sidecar.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * Recent, multi-factor authentication for sensitive operations (detokenization): the token's
 * {@code auth_time} within {@code kinga.detokenize.max-auth-age}, and either an {@code amr} value of
 * {@code kinga.detokenize.amr} (Kinga's MFA mapper writes {@code mfa} and {@code otp} when a code was
 * checked in that authentication, never for a trusted-device skip) or an {@code acr} of
 * {@code kinga.detokenize.acr-values}. Otherwise {@link StepUpRequiredException}: a 401 in the style
 * of RFC 9470 that tells the client what to ask Keycloak for.
 * <p>The claims alone are not believed: a client's mapper can write any {@code amr} or
 * {@code auth_time}. The token's session ({@code sid}) must be open in Keycloak and its latest
 * authentication must have passed MFA with a code within the same age ({@link SignInSessions}).
 */
@ApplicationScoped
public class StepUp {

    private final Duration maxAuthAge;
    private final List<String> amr;
    private final List<String> acrValues;
    private final String challengeAcr;
    private final SignInSessions sessions;
    private final Clock clock;

    @Inject
    public StepUp(DetokenizeConfig config, SignInSessions sessions) {
        this(config.maxAuthAge(), config.amr(), config.acrValues().orElse(List.of()), config.challengeAcr(), sessions, Clock.systemUTC());
    }

    StepUp(Duration maxAuthAge, List<String> amr, List<String> acrValues, String challengeAcr, SignInSessions sessions, Clock clock) {
        this.maxAuthAge = maxAuthAge;
        this.amr = amr;
        this.acrValues = acrValues;
        this.challengeAcr = challengeAcr;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Passes quietly, or throws {@link StepUpRequiredException} naming what is missing. */
    public void require(JsonWebToken token) {
        Long authTime = number(token.getClaim("auth_time"));
        long now = clock.millis() / 1000;
        if (authTime == null || now - authTime > maxAuthAge.toSeconds() || authTime > now + 60) {
            throw challenge("A sign-in within the last " + maxAuthAge.toSeconds() + " seconds is required");
        }
        if (!multiFactor(token)) {
            throw challenge("A sign-in with multi-factor authentication is required");
        }
        if (!sessionConfirms(token, now)) {
            throw challenge("Keycloak has no record of a multi-factor sign-in within the last " + maxAuthAge.toSeconds()
                    + " seconds for this token's session");
        }
    }

    /** Keycloak's own record of the token's session: open, the person's, and through MFA recently enough. */
    private boolean sessionConfirms(JsonWebToken token, long now) {
        String sid = text(token.getClaim("sid"));
        if (sid == null || token.getSubject() == null) {
            return false;
        }
        OptionalLong mfaAt = sessions.lastMfa(token.getSubject(), sid);
        return mfaAt.isPresent() && mfaAt.getAsLong() > 0 && now - mfaAt.getAsLong() <= maxAuthAge.toSeconds()
                && mfaAt.getAsLong() <= now + 60;
    }

    /**
     * Passes when the person signed in (entered their credentials, not just reused a session)
     * within {@code maxAge}, whatever the factors: for what anyone may do to their own account
     * but a stolen session should not (asking for its erasure). Otherwise a challenge for {@code max_age}.
     */
    public void requireRecentSignIn(JsonWebToken token, Duration maxAge) {
        Long authTime = number(token.getClaim("auth_time"));
        long now = clock.millis() / 1000;
        if (authTime == null || now - authTime > maxAge.toSeconds() || authTime > now + 60) {
            throw new StepUpRequiredException("A sign-in within the last " + maxAge.toSeconds() + " seconds is required (sign in again"
                    + " with max_age=" + maxAge.toSeconds() + ", then call again with the new token)", null, maxAge.toSeconds());
        }
    }

    private boolean multiFactor(JsonWebToken token) {
        Object methods = token.getClaim("amr");
        if (methods instanceof Collection<?> values) {
            for (Object v : values) {
                if (amr.contains(unquote(v))) {
                    return true;
                }
            }
        }
        Object acr = token.getClaim("acr");
        return acr != null && acrValues.contains(unquote(acr));
    }

    private StepUpRequiredException challenge(String why) {
        return new StepUpRequiredException(why + " (ask for acr_values=" + challengeAcr + " and max_age=" + maxAuthAge.toSeconds()
                + ", then call again with the new token)", challengeAcr, maxAuthAge.toSeconds());
    }

    private static String text(Object claim) {
        if (claim == null) {
            return null;
        }
        String s = unquote(claim);
        return s.isBlank() ? null : s;
    }

    /** JSON-P values print with quotes; plain strings do not. */
    private static String unquote(Object value) {
        String s = value.toString();
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static Long number(Object claim) {
        if (claim instanceof Number n) {
            return n.longValue();
        }
        if (claim instanceof jakarta.json.JsonNumber n) {
            return n.longValue();
        }
        return null;
    }

    /** 401 {@code insufficient_user_authentication} with the {@code acr_values} and {@code max_age} to ask for. */
    public static class StepUpRequiredException extends RuntimeException {
        private final String acr;
        private final long maxAge;

        StepUpRequiredException(String message, String acr, long maxAge) {
            super(message);
            this.acr = acr;
            this.maxAge = maxAge;
        }

        public String acr() {
            return acr;
        }

        public long maxAge() {
            return maxAge;
        }
    }
}
