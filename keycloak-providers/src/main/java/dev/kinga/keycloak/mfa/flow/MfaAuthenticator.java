package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.Factors;
import dev.kinga.keycloak.mfa.MfaPolicy;
import dev.kinga.keycloak.mfa.backup.BackupCodeCredentialProvider;
import dev.kinga.keycloak.mfa.backup.BackupCodeCredentialProviderFactory;
import dev.kinga.keycloak.mfa.backup.BackupCodesAction;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.MfaSession;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProvider;
import dev.kinga.keycloak.mfa.totp.TotpCredentialProviderFactory;
import dev.kinga.keycloak.mfa.totp.TotpEnrolAction;
import dev.kinga.keycloak.mfa.trust.TrustedDevices;

import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.List;
import java.util.Map;

/**
 * The second step of the browser flow. It only handles the form; the credential providers check
 * codes. Decides per login: enrolment (a role that must use MFA and no factor yet), skip (a
 * trusted device, unless the role forbids it or there was a burst of failed logins), or a TOTP /
 * backup code form, with "trust this device" when allowed. Wrong codes are failures that count
 * toward brute-force protection; bad input never leaves the form.
 */
final class MfaAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(MfaAuthenticator.class);

    /** The {@code acr_values} a client asks for to step up: Kinga MFA with a code, no trusted-device skip. */
    public static final String STEP_UP_ACR = "kinga-mfa";
    static final String FIELD_OTP = "otp";
    static final String FIELD_BACKUP = "backup_code";
    static final String FIELD_TRUST = "trust_device";
    static final String FIELD_MODE = "mode";
    static final String USE_BACKUP = "use_backup_code";
    static final String USE_TOTP = "use_totp";
    static final String TOTP_FORM = "kinga-totp.ftl";
    static final String BACKUP_FORM = "kinga-backup-code.ftl";

    enum Mode { TOTP, BACKUP }

    /** What a submitted code came to: accepted, wrong (a guess that counts), or not checkable (key unavailable). */
    enum Outcome { ACCEPTED, WRONG, KEY_UNAVAILABLE }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        MfaPolicy policy = MfaPolicy.of(context.getAuthenticatorConfig());
        boolean enforced = policy.enforcedFor(realm, user);
        TrustedDevices.purgeExpired(user);
        Factors factors = Factors.of(session, realm, user);
        if (!factors.any()) {
            if (enforced) {
                if (!RequiredActionRegistration.enrolmentAvailable(realm)) {
                    // Fail closed: without the enrolment step the login would end with the password alone.
                    context.getEvent().user(user).detail("reason", "enrolment_unavailable").error(Errors.NOT_ALLOWED);
                    context.failure(AuthenticationFlowError.ACCESS_DENIED,
                            context.form().setError("kingaEnrolmentUnavailable").createErrorPage(Response.Status.FORBIDDEN));
                    return;
                }
                // Cannot be skipped: Keycloak finishes the login only after the required action.
                context.getAuthenticationSession().addRequiredAction(TotpEnrolAction.PROVIDER_ID);
                context.getEvent().detail("mfa", "enrolment_required");
            }
            MfaSession.notPassed(context.getAuthenticationSession());
            context.success();
            return;
        }
        if (policy.trustOffered(enforced) && !MfaSession.actionInProgress(context.getAuthenticationSession())
                && !stepUpRequested(context.getAuthenticationSession())) {
            String device = TrustedDevices.recognise(session, user);
            if (device != null && !recentFailures(session, realm, user, policy)) {
                context.getEvent().detail("mfa", "trusted_device").detail("trusted_device", device);
                MfaSession.notPassed(context.getAuthenticationSession());
                context.success();
                return;
            }
        }
        context.challenge(form(context, factors, factors.totp() ? Mode.TOTP : Mode.BACKUP, policy, enforced, null));
    }

    /** The client asked for {@value #STEP_UP_ACR} ({@code acr_values}): a code now, whatever device this is. */
    static boolean stepUpRequested(AuthenticationSessionModel authSession) {
        String requested = authSession.getClientNote(OIDCLoginProtocol.ACR_PARAM);
        return requested != null && List.of(requested.strip().split("\\s+")).contains(STEP_UP_ACR);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        MfaPolicy policy = MfaPolicy.of(context.getAuthenticatorConfig());
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        boolean enforced = policy.enforcedFor(realm, user);
        Factors factors = Factors.of(context.getSession(), realm, user);
        if (form.containsKey(USE_BACKUP)) {
            context.challenge(form(context, factors, Mode.BACKUP, policy, enforced, null));
            return;
        }
        if (form.containsKey(USE_TOTP)) {
            context.challenge(form(context, factors, Mode.TOTP, policy, enforced, null));
            return;
        }
        Mode mode = "backup".equals(form.getFirst(FIELD_MODE)) ? Mode.BACKUP : Mode.TOTP;
        String typed = form.getFirst(mode == Mode.TOTP ? FIELD_OTP : FIELD_BACKUP);
        if (typed == null || typed.isBlank()) {
            context.challenge(form(context, factors, mode, policy, enforced, "kingaMissingCode"));
            return;
        }
        if (SecondFactorFailures.lockedOut(context.getSession(), realm, user)) {
            // Locked out by wrong codes (or passwords): not even the right code is checked until the lockout ends.
            context.getEvent().user(user).detail(Details.CREDENTIAL_TYPE, mode == Mode.TOTP
                    ? MfaIds.TOTP : MfaIds.BACKUP_CODES).error(Errors.USER_TEMPORARILY_DISABLED);
            context.challenge(form(context, factors, mode, policy, enforced, mode == Mode.TOTP ? "kingaInvalidTotp" : "kingaInvalidBackupCode"));
            return;
        }
        Outcome outcome = mode == Mode.TOTP ? checkTotp(context, typed.strip()) : useBackupCode(context, typed);
        if (outcome != Outcome.ACCEPTED) {
            if (outcome == Outcome.WRONG) {
                SecondFactorFailures.record(context);
            } else {
                // A missing sealing key is the operator's fault, not a guess: logged for them, not counted against the user.
                LOG.errorf("Kinga MFA: a second factor of a user of realm %s cannot be checked: it was sealed or hashed with "
                        + "a key that is not configured (see docs/mfa.md, key rotation)", realm.getName());
            }
            context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            context.getEvent().removeDetail("reason");
            // a wrong backup code changes nothing, so the factors read before still hold
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                    form(context, factors, mode, policy, enforced, mode == Mode.TOTP ? "kingaInvalidTotp" : "kingaInvalidBackupCode"));
            return;
        }
        if ("on".equals(form.getFirst(FIELD_TRUST)) && policy.trustOffered(enforced)) {
            String device = TrustedDevices.trust(context.getSession(), realm, user, policy.trustDays(),
                    context.getHttpRequest().getHttpHeaders().getHeaderString(HttpHeaders.USER_AGENT));
            event(context, EventType.UPDATE_CREDENTIAL, MfaIds.TRUSTED_DEVICE)
                    .detail("action", "trusted").detail("trusted_device", device)
                    .detail("days", Integer.toString(policy.trustDays())).success();
        }
        MfaSession.passed(context.getAuthenticationSession());
        SecondFactorFailures.passed(context);
        context.success();
    }

    private Outcome checkTotp(AuthenticationFlowContext context, String code) {
        TotpCredentialProvider.Check check = TotpCredentialProviderFactory.of(context.getSession())
                .check(context.getRealm(), context.getUser(), code);
        context.getEvent().detail(Details.CREDENTIAL_TYPE, MfaIds.TOTP);
        if (check != TotpCredentialProvider.Check.ACCEPTED) {
            context.getEvent().detail("reason", check.name().toLowerCase());
            return check == TotpCredentialProvider.Check.KEY_UNAVAILABLE ? Outcome.KEY_UNAVAILABLE : Outcome.WRONG;
        }
        context.getEvent().detail("mfa", MfaIds.TOTP);
        return Outcome.ACCEPTED;
    }

    private Outcome useBackupCode(AuthenticationFlowContext context, String typed) {
        BackupCodeCredentialProvider.Use use = BackupCodeCredentialProviderFactory.of(context.getSession())
                .use(context.getRealm(), context.getUser(), typed);
        context.getEvent().detail(Details.CREDENTIAL_TYPE, MfaIds.BACKUP_CODES);
        if (use.check() != BackupCodeCredentialProvider.Check.ACCEPTED) {
            context.getEvent().detail("reason", use.check().name().toLowerCase());
            return use.check() == BackupCodeCredentialProvider.Check.KEY_UNAVAILABLE ? Outcome.KEY_UNAVAILABLE : Outcome.WRONG;
        }
        context.getEvent().detail("mfa", MfaIds.BACKUP_CODES);
        event(context, EventType.UPDATE_CREDENTIAL, MfaIds.BACKUP_CODES)
                .detail("action", "code_used").detail("remaining", Integer.toString(use.remaining())).success();
        if (use.remaining() <= BackupCodesAction.lowThreshold(context.getRealm())) {
            context.getAuthenticationSession().setAuthNote(BackupCodesAction.LOW_NOTE, Integer.toString(use.remaining()));
            context.getAuthenticationSession().addRequiredAction(BackupCodesAction.PROVIDER_ID);
        }
        return Outcome.ACCEPTED;
    }

    private static EventBuilder event(AuthenticationFlowContext context, EventType type, String credentialType) {
        return new EventBuilder(context.getRealm(), context.getSession(), context.getConnection())
                .event(type).user(context.getUser()).client(context.getAuthenticationSession().getClient())
                .detail(Details.CREDENTIAL_TYPE, credentialType);
    }

    private static boolean recentFailures(KeycloakSession session, RealmModel realm, UserModel user, MfaPolicy policy) {
        UserLoginFailureModel failures = session.loginFailures().getUserLoginFailure(realm, user.getId());
        return failures != null && failures.getNumFailures() >= policy.riskFailures()
                && System.currentTimeMillis() - failures.getLastFailure() <= policy.riskWindowMinutes() * 60_000L;
    }

    private static Response form(AuthenticationFlowContext context, Factors factors, Mode mode, MfaPolicy policy,
                                 boolean enforced, String error) {
        var form = context.form().setAttribute("kingaMfa", Map.of(
                "trustOffered", policy.trustOffered(enforced),
                "trustDays", policy.trustDays(),
                "hasTotp", factors.totp(),
                "backupCodesLeft", factors.backupCodes()));
        if (error != null) {
            String field = mode == Mode.TOTP ? FIELD_OTP : FIELD_BACKUP;
            form.addError(new FormMessage(field, error));
        }
        return form.createForm(mode == Mode.TOTP ? TOTP_FORM : BACKUP_FORM);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true; // the decision (enrol, skip, ask) is made in authenticate()
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // enrolment is added per login in authenticate(), by policy
    }

    @Override
    public void close() {
        // stateless
    }
}
