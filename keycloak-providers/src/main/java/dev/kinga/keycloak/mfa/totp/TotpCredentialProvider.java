package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.FactorRemoval;
import dev.kinga.keycloak.mfa.KingaCredentialProvider;
import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.TotpCredentialData;
import dev.kinga.keycloak.mfa.model.TotpSecretData;

import dev.kinga.keycloak.crypto.SecretSealer;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The {@value #TYPE} credential: an RFC 6238 secret stored only sealed (AES-256-GCM, bound to
 * the user), with its algorithm, digits, period and the last time step accepted. Checking a
 * code refuses any step at or before the last one (replay in this database) and claims the step
 * in Keycloak's replicated single-use store first (replay across nodes at the same moment).
 */
public class TotpCredentialProvider extends KingaCredentialProvider implements CredentialInputValidator {

    private static final String TYPE = MfaIds.TOTP;

    /** The outcome of checking a code. */
    public enum Check { ACCEPTED, MALFORMED, WRONG, REPLAYED, NOT_CONFIGURED, KEY_UNAVAILABLE }

    private final MfaKeys keys;

    TotpCredentialProvider(KeycloakSession session, MfaKeys keys) {
        super(session, TYPE, "the kinga-totp-enrol required action");
        this.keys = keys;
    }

    /** Stores a new credential for a secret the user has just proven (its first step is already used). */
    public CredentialModel enrol(RealmModel realm, UserModel user, Totp totp, byte[] secret, long provenStep, String label) {
        CredentialModel model = new CredentialModel();
        model.setType(TYPE);
        model.setUserLabel(label);
        model.setCreatedDate(Time.currentTimeMillis());
        model.setCredentialData(new TotpCredentialData(totp.algorithm(), totp.digits(), totp.period(), provenStep).json());
        model.setSecretData(new TotpSecretData(sealer(realm).seal(secret, aad(user))).json());
        return user.credentialManager().createStoredCredential(model);
    }

    /** Checks a code against the user's TOTP credential(s); on success records the step as used. */
    public Check check(RealmModel realm, UserModel user, String code) {
        CredentialModel[] credentials = user.credentialManager().getStoredCredentialsByTypeStream(TYPE).toArray(CredentialModel[]::new);
        if (credentials.length == 0) {
            return Check.NOT_CONFIGURED;
        }
        Check result = Check.MALFORMED;
        long now = Time.currentTime();
        for (CredentialModel credential : credentials) {
            TotpCredentialData data = TotpCredentialData.parse(credential.getCredentialData());
            Totp totp = new Totp(data.algorithm(), data.digits(), data.period());
            if (!totp.wellFormed(code)) {
                continue;
            }
            byte[] secret;
            try {
                secret = open(realm, user, credential);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // Sealed with a key no longer configured (or altered): the user sees "invalid code", the event says why.
                result = result == Check.MALFORMED ? Check.KEY_UNAVAILABLE : result;
                continue;
            }
            result = result == Check.REPLAYED ? result : Check.WRONG;
            OptionalLong step = totp.match(secret, code, now);
            if (step.isEmpty()) {
                Arrays.fill(secret, (byte) 0);
                continue;
            }
            boolean fresh = step.getAsLong() > data.lastStep() && session.singleUseObjects().putIfAbsent(
                    "kinga-totp:" + credential.getId() + ":" + step.getAsLong(), (Totp.DRIFT_STEPS * 2L + 2) * totp.period());
            if (!fresh) {
                Arrays.fill(secret, (byte) 0);
                result = Check.REPLAYED;
                continue;
            }
            credential.setCredentialData(data.withLastStep(step.getAsLong()).json());
            if (!sealer(realm).sealedWithActiveKey(TotpSecretData.parse(credential.getSecretData()).sealed())) {
                // A new sealing key is active: re-seal on use, so old keys can be retired once every secret moved.
                credential.setSecretData(new TotpSecretData(sealer(realm).seal(secret, aad(user))).json());
            }
            Arrays.fill(secret, (byte) 0);
            user.credentialManager().updateStoredCredential(credential);
            return Check.ACCEPTED;
        }
        return result;
    }

    byte[] open(RealmModel realm, UserModel user, CredentialModel credential) {
        return sealer(realm).open(TotpSecretData.parse(credential.getSecretData()).sealed(), aad(user));
    }

    private SecretSealer sealer(RealmModel realm) {
        return keys.sealer(session, realm);
    }

    private static byte[] aad(UserModel user) {
        return (TYPE + ":" + user.getId()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType) && user.credentialManager().getStoredCredentialsByTypeStream(TYPE).findAny().isPresent();
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return supportsCredentialType(input.getType()) && check(realm, user, input.getChallengeResponse()) == Check.ACCEPTED;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return metadata("kcAuthenticatorOTPClass")
                .createAction(TotpEnrolAction.PROVIDER_ID)
                .removeable(FactorRemoval.allowed(session, metadataContext.getUser(), TYPE))
                .build(session);
    }
}
