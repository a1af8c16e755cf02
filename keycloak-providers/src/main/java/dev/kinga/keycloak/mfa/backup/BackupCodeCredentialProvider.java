package dev.kinga.keycloak.mfa.backup;

import dev.kinga.keycloak.mfa.CredentialRowLock;
import dev.kinga.keycloak.mfa.FactorRemoval;
import dev.kinga.keycloak.mfa.KingaCredentialProvider;
import dev.kinga.keycloak.mfa.Factors;
import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.model.BackupCodeCount;
import dev.kinga.keycloak.mfa.model.BackupCodeSet;
import dev.kinga.keycloak.mfa.model.MfaIds;

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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@value #TYPE} credential: one set of backup codes, stored as keyed hashes (see
 * {@link BackupCodes}) with the key id and salt. Codes work in any order, each once: a used
 * code's hash leaves the set (and is claimed in the replicated single-use store first, so two
 * nodes cannot both accept it). Regenerating replaces the whole set.
 */
public class BackupCodeCredentialProvider extends KingaCredentialProvider implements CredentialInputValidator {

    private static final String TYPE = MfaIds.BACKUP_CODES;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_LABEL = "kinga-backup-codes";

    /** A freshly generated set: the codes to show once, and what to store (hashes only). */
    public record Generated(List<String> codes, String pending) {
    }

    /** The outcome of using a code, with the codes left after it. */
    public record Use(Check check, int remaining) {
    }

    public enum Check { ACCEPTED, MALFORMED, WRONG, NOT_CONFIGURED, KEY_UNAVAILABLE }

    private final MfaKeys keys;

    BackupCodeCredentialProvider(KeycloakSession session, MfaKeys keys) {
        super(session, TYPE, "the kinga-backup-codes required action");
        this.keys = keys;
    }

    /** New codes; {@code pending} holds their hashes until the user confirms they stored them. */
    public Generated generate(RealmModel realm, UserModel user, int count) {
        SecretSealer sealer = keys.sealer(session, realm);
        String keyId = sealer.activeKeyId();
        byte[] key = sealer.derive(keyId, KEY_LABEL);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        List<String> codes = BackupCodes.generate(RANDOM, count);
        BackupCodeSet pending = new BackupCodeSet(keyId, HexFormat.of().formatHex(salt), true,
                codes.stream().map(code -> BackupCodes.hash(key, salt, user.getId(), code)).toList());
        return new Generated(codes.stream().map(BackupCodes::display).toList(), pending.json());
    }

    /** Stores a confirmed set, voiding any previous one. */
    public CredentialModel store(UserModel user, String pending) {
        BackupCodeSet set = BackupCodeSet.parse(pending);
        user.credentialManager().getStoredCredentialsByTypeStream(TYPE).map(CredentialModel::getId).toList()
                .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        BackupCodeCount count = new BackupCodeCount(set.hashes().size(), set.hashes().size());
        CredentialModel model = new CredentialModel();
        model.setType(TYPE);
        model.setCreatedDate(Time.currentTimeMillis());
        model.setUserLabel(count.label());
        model.setSecretData(set.json());
        model.setCredentialData(count.json());
        return user.credentialManager().createStoredCredential(model);
    }

    /**
     * Uses one code; every stored hash is compared (constant-time), whichever matches. The set is
     * read under a row lock, so two codes used at once both leave it (no lost update).
     */
    public Use use(RealmModel realm, UserModel user, String typed) {
        CredentialModel credential = user.credentialManager().getStoredCredentialsByTypeStream(TYPE).findFirst().orElse(null);
        if (credential == null) {
            return new Use(Check.NOT_CONFIGURED, 0);
        }
        CredentialRowLock.lockAndRefresh(session, credential);
        String code = BackupCodes.normalize(typed);
        BackupCodeSet set = BackupCodeSet.parse(credential.getSecretData());
        List<String> hashes = set.hashes();
        if (code == null) {
            return new Use(Check.MALFORMED, hashes.size());
        }
        byte[] key;
        try {
            key = keys.sealer(session, realm).derive(set.kid(), KEY_LABEL);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Use(Check.KEY_UNAVAILABLE, hashes.size()); // the key that hashed this set is no longer configured
        }
        byte[] salt = HexFormat.of().parseHex(set.salt());
        String presented = set.bound()
                ? BackupCodes.hash(key, salt, user.getId(), code) : BackupCodes.hash(key, salt, code);
        int match = -1;
        for (int i = 0; i < hashes.size(); i++) {
            if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                    hashes.get(i).getBytes(StandardCharsets.US_ASCII)) && match < 0) {
                match = i;
            }
        }
        if (match < 0 || !session.singleUseObjects().putIfAbsent("kinga-backup:" + credential.getId() + ":" + presented, 86_400)) {
            return new Use(Check.WRONG, hashes.size());
        }
        BackupCodeSet left = set.without(match);
        BackupCodeCount count = new BackupCodeCount(BackupCodeCount.parse(credential.getCredentialData()).total(), left.hashes().size());
        credential.setSecretData(left.json());
        credential.setCredentialData(count.json());
        credential.setUserLabel(count.label());
        user.credentialManager().updateStoredCredential(credential);
        return new Use(Check.ACCEPTED, count.remaining());
    }

    public int remaining(UserModel user) {
        return Factors.remainingInSet(user).orElse(0);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType) && remaining(user) > 0;
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return supportsCredentialType(input.getType()) && use(realm, user, input.getChallengeResponse()).check() == Check.ACCEPTED;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return metadata("kcAuthenticatorRecoveryAuthnCodesClass")
                .createAction(BackupCodesAction.PROVIDER_ID) // running it again makes a new set, voiding the old
                .removeable(FactorRemoval.allowed(session, metadataContext.getUser(), TYPE))
                .build(session);
    }
}
