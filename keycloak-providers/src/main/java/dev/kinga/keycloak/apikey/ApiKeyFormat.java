package dev.kinga.keycloak.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The text of a Kinga API key: {@code kinga_<id>_<secret><checksum>}.
 * <ul>
 *   <li>{@code kinga_} lets secret scanners recognise the key;</li>
 *   <li>{@code id}: 12 base62 characters (71 bits), public, stored and shown in lists as the
 *       prefix {@code kinga_<id>};</li>
 *   <li>{@code secret}: 43 random base62 characters (256 bits), never stored;</li>
 *   <li>{@code checksum}: CRC-32 of everything before it, 6 base62 characters, so a scanner can
 *       tell a real key from look-alike text and typos are refused without a database look-up.</li>
 * </ul>
 * Parsing is strict and allocation-light: anything else (length, alphabet, checksum) is refused.
 */
public final class ApiKeyFormat {

    public static final String SCHEME = "kinga";
    static final int ID_LENGTH = 12;
    static final int SECRET_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    /** {@code kinga_} + id + {@code _} + secret + checksum */
    public static final int KEY_LENGTH = SCHEME.length() + 1 + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
    static final int PREFIX_LENGTH = SCHEME.length() + 1 + ID_LENGTH;

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);

    private final SecureRandom random;

    public ApiKeyFormat(SecureRandom random) {
        this.random = random;
    }

    /** A new key: 12 random base62 characters of id, 43 of secret (log2(62) x 43 = 256.03 bits). */
    public String generate() {
        String body = SCHEME + "_" + randomBase62(ID_LENGTH) + "_" + randomBase62(SECRET_LENGTH);
        return body + checksum(body);
    }

    private String randomBase62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE62[random.nextInt(BASE62.length)]; // uniform: no modulo bias
        }
        return new String(out);
    }

    /** Why a presented key was refused before any look-up. */
    public enum Malformed { EMPTY, LENGTH, ALPHABET, CHECKSUM }

    /** A well-formed key: its public prefix ({@code kinga_<id>}) and the whole text. */
    public record Parsed(String prefix, String key) {
    }

    /** Either a parsed key or the reason it is not one. */
    public record Result(Parsed parsed, Malformed malformed) {
        public boolean ok() {
            return parsed != null;
        }
    }

    public static Result parse(String presented) {
        if (presented == null || presented.isEmpty()) {
            return new Result(null, Malformed.EMPTY);
        }
        if (presented.length() != KEY_LENGTH) {
            return new Result(null, Malformed.LENGTH);
        }
        if (!presented.startsWith(SCHEME + "_") || presented.charAt(PREFIX_LENGTH) != '_') {
            return new Result(null, Malformed.ALPHABET);
        }
        for (int i = SCHEME.length() + 1; i < KEY_LENGTH; i++) {
            if (i != PREFIX_LENGTH && !isBase62(presented.charAt(i))) {
                return new Result(null, Malformed.ALPHABET);
            }
        }
        String body = presented.substring(0, KEY_LENGTH - CHECKSUM_LENGTH);
        if (!checksum(body).equals(presented.substring(KEY_LENGTH - CHECKSUM_LENGTH))) {
            return new Result(null, Malformed.CHECKSUM);
        }
        return new Result(new Parsed(presented.substring(0, PREFIX_LENGTH), presented), null);
    }

    /** True for text shaped like a Kinga key prefix ({@code kinga_} + 12 base62). */
    public static boolean isPrefix(String text) {
        if (text == null || text.length() != PREFIX_LENGTH || !text.startsWith(SCHEME + "_")) {
            return false;
        }
        for (int i = SCHEME.length() + 1; i < PREFIX_LENGTH; i++) {
            if (!isBase62(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_LENGTH);
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String base62(BigInteger value, int length) {
        char[] out = new char[length];
        BigInteger rest = value;
        for (int i = length - 1; i >= 0; i--) {
            BigInteger[] qr = rest.divideAndRemainder(SIXTY_TWO);
            out[i] = BASE62[qr[1].intValue()];
            rest = qr[0];
        }
        if (rest.signum() != 0) {
            throw new IllegalArgumentException("value does not fit in " + length + " base62 digits");
        }
        return new String(out);
    }
}
