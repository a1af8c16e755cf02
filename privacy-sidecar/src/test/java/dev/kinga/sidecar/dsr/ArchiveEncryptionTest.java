package dev.kinga.sidecar.dsr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Archives encrypted by the sidecar open with stock GnuPG ({@code gpg}, which .ci/run installs). */
class ArchiveEncryptionTest {

    private static final String ARCHIVE = "{\"schema\":\"kinga.dsr-export/1\",\"name\":\"Achieng' Otieno\",\"note\":\"ñ ü 你好\"}";

    @TempDir
    Path home;

    @Test
    void aPassphraseArchiveOpensWithGpg() throws Exception {
        byte[] armored = ArchiveEncryption.passphrase("correct horse battery staple").encrypt(ARCHIVE);
        String text = new String(armored, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("-----BEGIN PGP MESSAGE-----"), text);
        assertFalse(text.contains("Otieno"), "encrypted, not just armoured");
        Path file = home.resolve("export.json.asc");
        Files.write(file, armored);
        assertEquals(ARCHIVE, gpg("--pinentry-mode", "loopback", "--passphrase", "correct horse battery staple",
                "--decrypt", file.toString()));
        assertThrows(AssertionError.class, () -> gpg("--pinentry-mode", "loopback", "--passphrase", "wrong horse battery staple",
                "--decrypt", file.toString()));
    }

    @Test
    void aPublicKeyArchiveOpensWithTheRecipientsGpgKey() throws Exception {
        gpg("--passphrase", "", "--quick-gen-key", "Kinga Test <dpo@example.invalid>", "default", "default", "never");
        String publicKey = gpg("--armor", "--export", "dpo@example.invalid");
        assertTrue(publicKey.contains("BEGIN PGP PUBLIC KEY BLOCK"), publicKey);
        Path file = home.resolve("export.json.asc");
        Files.write(file, ArchiveEncryption.publicKey(publicKey).encrypt(ARCHIVE));
        assertEquals(ARCHIVE, gpg("--decrypt", file.toString()));
    }

    @Test
    void unusableKeysAreRefusedWithAReason() {
        assertEquals("passphrase: at least 12 characters",
                assertThrows(ArchiveEncryption.UnusableKey.class, () -> ArchiveEncryption.passphrase("short")).getMessage());
        assertThrows(ArchiveEncryption.UnusableKey.class, () -> ArchiveEncryption.publicKey("not a key"));
        assertThrows(ArchiveEncryption.UnusableKey.class, () -> ArchiveEncryption.publicKey(
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"));
    }

    /** Runs gpg in a throw-away home; its standard output, or an AssertionError when it fails. */
    private String gpg(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gpg")), "GnuPG is not installed (apt-get install gnupg; .ci/run does)");
        List<String> command = new ArrayList<>(List.of("/usr/bin/gpg", "--homedir", home.toString(), "--batch", "--yes", "--quiet"));
        command.addAll(List.of(args));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Process process = new ProcessBuilder(command).redirectError(home.resolve("gpg.err").toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "gpg timed out");
        if (process.exitValue() != 0) {
            throw new AssertionError("gpg failed: " + Files.readString(home.resolve("gpg.err")));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
