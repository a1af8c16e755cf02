package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.FactorRemoval;
import dev.kinga.keycloak.mfa.Factors;
import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.backup.BackupCodesAction;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.MfaSession;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code kinga-totp-enrol}: shows a new secret (QR code, otpauth URI and the key to type) and
 * stores it, sealed, once the user proves it with a code. Until then the secret lives only
 * sealed in the authentication session. Afterwards the user is asked to create backup codes.
 */
public class TotpEnrolAction implements RequiredActionProvider, RequiredActionFactory {

    /** The form field of the code (the same name as on the login form). */
    static final String FIELD_OTP = "otp";

    public static final String PROVIDER_ID = "kinga-totp-enrol";
    static final String PENDING_NOTE = "kinga.totp.pending";
    static final String ALGORITHM = "algorithm";
    static final String DIGITS = "digits";
    static final String PERIOD = "period";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Kinga: set up TOTP";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED; // "Set up" in the account console
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // added by the kinga-mfa authenticator when a role requires it
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (FactorRemoval.refusedWithoutFreshMfa(context)) {
            return;
        }
        context.challenge(page(context, null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (FactorRemoval.refusedWithoutFreshMfa(context)) {
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String sealed = authSession.getAuthNote(PENDING_NOTE);
        String code = form.getFirst(FIELD_OTP);
        Totp totp = totp(context.getConfig());
        if (sealed == null) {
            context.challenge(page(context, null));
            return;
        }
        if (code == null || code.isBlank()) {
            context.challenge(page(context, "kingaMissingCode"));
            return;
        }
        MfaKeys keys = MfaKeys.of(context.getSession());
        byte[] secret = keys.sealer(context.getSession(), context.getRealm()).open(sealed, aad(context));
        try {
            OptionalLong step = totp.wellFormed(code.strip()) ? totp.match(secret, code.strip(), Time.currentTime()) : OptionalLong.empty();
            if (step.isEmpty()) {
                context.getEvent().event(EventType.UPDATE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, MfaIds.TOTP)
                        .error("invalid_totp");
                context.challenge(page(context, "kingaInvalidTotp"));
                return;
            }
            String label = form.getFirst("userLabel");
            label = label == null || label.isBlank() ? "Authenticator app" : label.strip();
            if (label.length() > 64 || label.chars().anyMatch(Character::isISOControl)) {
                context.challenge(page(context, "kingaInvalidLabel"));
                return;
            }
            TotpCredentialProviderFactory.of(context.getSession()).enrol(context.getRealm(), context.getUser(), totp, secret,
                    step.getAsLong(), label);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        authSession.removeAuthNote(PENDING_NOTE);
        context.getEvent().event(EventType.UPDATE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, MfaIds.TOTP)
                .detail("action", "enrolled").success();
        if (Factors.remainingInSet(context.getUser()).orElse(0) == 0) {
            authSession.addRequiredAction(BackupCodesAction.PROVIDER_ID);
        }
        MfaSession.enrolled(authSession); // backup codes may follow in this login; the sign-in is not MFA (amr)
        context.success();
    }

    private Response page(RequiredActionContext context, String error) {
        Totp totp = totp(context.getConfig());
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MfaKeys keys = MfaKeys.of(context.getSession());
        var sealer = keys.sealer(context.getSession(), context.getRealm());
        String sealed = authSession.getAuthNote(PENDING_NOTE);
        byte[] secret;
        if (sealed == null) {
            secret = new byte[secretBytes(totp.algorithm())];
            RANDOM.nextBytes(secret);
            authSession.setAuthNote(PENDING_NOTE, sealer.seal(secret, aad(context)));
        } else {
            secret = sealer.open(sealed, aad(context));
        }
        String base32 = Base32.encode(secret);
        Arrays.fill(secret, (byte) 0);
        String issuer = context.getRealm().getDisplayName() == null || context.getRealm().getDisplayName().isBlank()
                ? context.getRealm().getName() : context.getRealm().getDisplayName();
        String uri = totp.otpauthUri(issuer, context.getUser().getUsername(), base32);
        QrCode.Svg qr = QrCode.svg(uri);
        Map<String, Object> bean = new LinkedHashMap<>();
        bean.put("secretGroups", base32.replaceAll("(.{4})(?!$)", "$1 "));
        bean.put("otpauthUri", uri);
        bean.put("qrSize", qr.size());
        bean.put("qrPath", qr.path());
        bean.put("digits", totp.digits());
        bean.put("period", totp.period());
        bean.put("algorithm", totp.algorithm().substring(4));
        var form = context.form().setAttribute("kingaTotp", bean);
        if (error != null) {
            form.addError(new FormMessage(error.equals("kingaInvalidLabel") ? "userLabel" : FIELD_OTP, error));
        }
        return form.createForm("kinga-totp-enrol.ftl");
    }

    private static byte[] aad(RequiredActionContext context) {
        return ("kinga-totp-pending:" + context.getUser().getId()).getBytes(StandardCharsets.UTF_8);
    }

    /** The RFC's key length per algorithm: 20, 32 or 64 bytes. */
    static int secretBytes(String algorithm) {
        return switch (algorithm) {
            case Totp.SHA256 -> 32;
            case Totp.SHA512 -> 64;
            default -> 20;
        };
    }

    static Totp totp(RequiredActionConfigModel config) {
        Map<String, String> c = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        try {
            return new Totp("Hmac" + c.getOrDefault(ALGORITHM, "SHA1"), Integer.parseInt(c.getOrDefault(DIGITS, "6")),
                    Integer.parseInt(c.getOrDefault(PERIOD, "30")));
        } catch (IllegalArgumentException e) {
            return new Totp(Totp.SHA1, 6, 30); // validateConfig refuses bad values; this guards older configs
        }
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ALGORITHM).type(ProviderConfigProperty.LIST_TYPE).options("SHA1", "SHA256", "SHA512")
                .defaultValue("SHA1").label("Algorithm")
                .helpText("HMAC of new TOTP secrets. SHA1 works with every authenticator app; some apps ignore SHA256/SHA512.")
                .add()
                .property().name(DIGITS).type(ProviderConfigProperty.LIST_TYPE).options("6", "7", "8").defaultValue("6")
                .label("Digits").helpText("Length of the codes of new secrets.")
                .add()
                .property().name(PERIOD).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("30")
                .label("Period (seconds)").helpText("How long a code lasts (15 to 120; most apps assume 30).")
                .add()
                .build();
    }

    @Override
    public void validateConfig(KeycloakSession session, org.keycloak.models.RealmModel realm, RequiredActionConfigModel model) {
        Map<String, String> c = model.getConfig(); // totp() falls back silently; here bad values are refused
        new Totp("Hmac" + c.getOrDefault(ALGORITHM, "SHA1"), Integer.parseInt(c.getOrDefault(DIGITS, "6")),
                Integer.parseInt(c.getOrDefault(PERIOD, "30")));
    }

    @Override
    public void init(Config.Scope config) {
        // options in the required action config
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
