package dev.kinga.keycloak.mfa.totp;

import org.keycloak.models.utils.HmacOTP;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;

/**
 * RFC 6238 time-based codes (HMAC-SHA-1/256/512, 6 to 8 digits, 30-second steps by default),
 * computed with Keycloak's own {@link HmacOTP}. {@link #match} says which time step a code
 * belongs to, so a caller can refuse any step already used (replay).
 */
public record Totp(String algorithm, int digits, int period) {

    public static final String SHA1 = "HmacSHA1";
    public static final String SHA256 = "HmacSHA256";
    public static final String SHA512 = "HmacSHA512";
    /** Steps accepted either side of now, for clock drift. */
    static final int DRIFT_STEPS = 1;

    public Totp {
        if (!SHA1.equals(algorithm) && !SHA256.equals(algorithm) && !SHA512.equals(algorithm)) {
            throw new IllegalArgumentException("TOTP algorithm must be HmacSHA1, HmacSHA256 or HmacSHA512");
        }
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("TOTP codes have 6 to 8 digits");
        }
        if (period < 15 || period > 120) {
            throw new IllegalArgumentException("TOTP period must be 15 to 120 seconds");
        }
    }

    public long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, period);
    }

    public String code(byte[] secret, long step) {
        return new HmacOTP(digits, algorithm, 0).generateOTP(secret, Long.toHexString(step), digits, algorithm);
    }

    /**
     * The time step (now ± {@value #DRIFT_STEPS}) whose code equals {@code code}, compared in
     * constant time; empty if none. {@code code} must already be {@link #wellFormed}.
     */
    public OptionalLong match(byte[] secret, String code, long epochSeconds) {
        long now = step(epochSeconds);
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        long found = -1;
        for (long s = now - DRIFT_STEPS; s <= now + DRIFT_STEPS; s++) {
            if (MessageDigest.isEqual(presented, code(secret, s).getBytes(StandardCharsets.US_ASCII)) && found < 0) {
                found = s;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** Exactly {@code digits} ASCII digits (not other Unicode digits). */
    public boolean wellFormed(String code) {
        if (code == null || code.length() != digits) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The URI authenticator apps read from the QR code. */
    public String otpauthUri(String issuer, String account, String base32Secret) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=" + encode(issuer)
                + "&algorithm=" + algorithm.substring(4) + "&digits=" + digits + "&period=" + period;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
