package dev.kinga.sidecar.dsr;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;

/**
 * Encrypts an export archive with OpenPGP (RFC 4880: AES-256 with an integrity packet, ASCII
 * armour), to a passphrase or to a recipient's public key, so the person or the officer opens it
 * with stock {@code gpg --decrypt}. The passphrase or key comes with the download and is never
 * stored.
 */
final class ArchiveEncryption {

    static final int MIN_PASSPHRASE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ArchiveEncryption() {
    }

    /** A passphrase or a key that cannot be used: the message says why. */
    static final class UnusableKey extends IllegalArgumentException {
        UnusableKey(String message) {
            super(message);
        }
    }

    /** Who can open the archive: checked before the download link is used up. */
    static final class Recipient {
        private final PGPEncryptedDataGenerator generator;

        private Recipient(PGPEncryptedDataGenerator generator) {
            this.generator = generator;
        }

        byte[] encrypt(String content) {
            return ArchiveEncryption.encrypt(generator, content);
        }
    }

    static Recipient passphrase(String passphrase) {
        if (passphrase.length() < MIN_PASSPHRASE) {
            throw new UnusableKey("passphrase: at least " + MIN_PASSPHRASE + " characters");
        }
        PGPEncryptedDataGenerator generator = generator();
        generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(passphrase.toCharArray()));
        return new Recipient(generator);
    }

    static Recipient publicKey(String armoredKey) {
        PGPEncryptedDataGenerator generator = generator();
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(encryptionKey(armoredKey)));
        return new Recipient(generator);
    }

    private static PGPEncryptedDataGenerator generator() {
        return new PGPEncryptedDataGenerator(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true).setSecureRandom(RANDOM));
    }

    private static byte[] encrypt(PGPEncryptedDataGenerator generator, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 2 + 1024);
        try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes);
             OutputStream encrypted = generator.open(armored, new byte[1 << 16]);
             OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY,
                     "kinga-export.json", new Date(), new byte[1 << 16])) {
            literal.write(data);
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("OpenPGP encryption failed", e);
        }
        return bytes.toByteArray();
    }

    /** The first key of the first key ring that may encrypt, and has not expired or been revoked. */
    private static PGPPublicKey encryptionKey(String armoredKey) {
        try {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(
                    PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredKey.getBytes(StandardCharsets.US_ASCII))),
                    new BcKeyFingerprintCalculator());
            Date now = new Date();
            for (Iterator<PGPPublicKeyRing> ringIt = rings.getKeyRings(); ringIt.hasNext(); ) {
                for (Iterator<PGPPublicKey> keyIt = ringIt.next().getPublicKeys(); keyIt.hasNext(); ) {
                    PGPPublicKey key = keyIt.next();
                    boolean expired = key.getValidSeconds() > 0
                            && key.getCreationTime().getTime() + key.getValidSeconds() * 1000 < now.getTime();
                    if (key.isEncryptionKey() && !key.hasRevocation() && !expired) {
                        return key;
                    }
                }
            }
        } catch (IOException | PGPException | RuntimeException e) {
            throw new UnusableKey("publicKey is not an ASCII-armoured OpenPGP public key");
        }
        throw new UnusableKey("publicKey has no valid encryption subkey");
    }
}
