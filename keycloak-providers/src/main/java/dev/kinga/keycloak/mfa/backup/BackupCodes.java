package dev.kinga.keycloak.mfa.backup;

import dev.kinga.keycloak.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One-time backup codes: 12 characters of Crockford's base32 (60 bits; no I, L, O or U, so they
 * read aloud and type without ambiguity), shown as {@code XXXX-XXXX-XXXX}. Stored only as
 * HMAC-SHA-256 under a key derived from the MFA sealing key (never in the database) and a
 * per-set salt. Typing is forgiving: case, spaces, dashes, O for 0 and I/L for 1.
 */
public final class BackupCodes {

    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 12;
    public static final int MAX_INPUT = 64;

    private BackupCodes() {
    }

    static List<String> generate(SecureRandom random, int count) {
        List<String> codes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            char[] code = new char[LENGTH];
            for (int j = 0; j < LENGTH; j++) {
                code[j] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            codes.add(new String(code));
        }
        return codes;
    }

    /** {@code ABCD-EFGH-JKMN} for display. */
    static String display(String code) {
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /** The canonical code for what a person typed, or null if it cannot be one. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > MAX_INPUT) {
            return null;
        }
        StringBuilder out = new StringBuilder(LENGTH);
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (c == ' ' || c == '-' || c == '\t') {
                continue;
            }
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 'a' + 'A');
            }
            c = switch (c) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            };
            if (ALPHABET.indexOf(c) < 0 || c > 127) {
                return null;
            }
            out.append(c);
        }
        return out.length() == LENGTH ? out.toString() : null;
    }

    static String hash(byte[] key, byte[] salt, String code) {
        return HexFormat.of().formatHex(Hmac.sha256(key, salt, code.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The hash bound to its user: a stored hash copied to another user's set matches nothing there. */
    static String hash(byte[] key, byte[] salt, String userId, String code) {
        return HexFormat.of().formatHex(Hmac.sha256(key, salt, (userId + ":").getBytes(StandardCharsets.UTF_8),
                code.getBytes(StandardCharsets.US_ASCII)));
    }
}
