package dev.kinga.keycloak.mfa.totp;


import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TotpTest {

    private static final byte[] SEED20 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED32 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED64 = "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238, Appendix B: time, SHA-1, SHA-256, SHA-512 (8 digits). */
    private static final Object[][] VECTORS = {
            {59L, "94287082", "46119246", "90693936"},
            {1111111109L, "07081804", "68084774", "25091201"},
            {1111111111L, "14050471", "67062674", "99943326"},
            {1234567890L, "89005924", "91819424", "93441116"},
            {2000000000L, "69279037", "90698825", "38618901"},
            {20000000000L, "65353130", "77737706", "47863826"},
    };

    @Test
    void matchesTheRfc6238TestVectors() {
        Totp sha1 = new Totp(Totp.SHA1, 8, 30);
        Totp sha256 = new Totp(Totp.SHA256, 8, 30);
        Totp sha512 = new Totp(Totp.SHA512, 8, 30);
        for (Object[] v : VECTORS) {
            long time = (Long) v[0];
            assertEquals(v[1], sha1.code(SEED20, sha1.step(time)), "SHA1 at " + time);
            assertEquals(v[2], sha256.code(SEED32, sha256.step(time)), "SHA256 at " + time);
            assertEquals(v[3], sha512.code(SEED64, sha512.step(time)), "SHA512 at " + time);
            assertEquals(OptionalLong.of(sha1.step(time)), sha1.match(SEED20, (String) v[1], time));
        }
    }

    @Test
    void sixDigitCodesAreTheLastSixDigits() {
        Totp six = new Totp(Totp.SHA1, 6, 30);
        assertEquals("287082", six.code(SEED20, six.step(59)));
    }

    @Test
    void acceptsOneStepOfDriftEitherSideAndNoMore() {
        Totp totp = new Totp(Totp.SHA1, 6, 30);
        long now = 1_800_000_000L;
        String previous = totp.code(SEED20, totp.step(now) - 1);
        String next = totp.code(SEED20, totp.step(now) + 1);
        String old = totp.code(SEED20, totp.step(now) - 2);
        String early = totp.code(SEED20, totp.step(now) + 2);
        assertEquals(OptionalLong.of(totp.step(now) - 1), totp.match(SEED20, previous, now));
        assertEquals(OptionalLong.of(totp.step(now) + 1), totp.match(SEED20, next, now));
        // For this seed and time no code in the window equals the ones two steps out, so a match could only be drift.
        for (long s = totp.step(now) - 1; s <= totp.step(now) + 1; s++) {
            assertNotEquals(totp.code(SEED20, s), old);
            assertNotEquals(totp.code(SEED20, s), early);
        }
        assertEquals(OptionalLong.empty(), totp.match(SEED20, old, now), "two steps back is outside the window");
        assertEquals(OptionalLong.empty(), totp.match(SEED20, early, now), "two steps ahead is outside the window");
    }

    @Test
    void onlyExactAsciiDigitCodesAreWellFormed() {
        Totp totp = new Totp(Totp.SHA1, 6, 30);
        assertTrue(totp.wellFormed("012345"));
        for (String bad : new String[] {null, "", "12345", "1234567", "12a456", "١٢٣٤٥٦", "１２３４５６", " 12345", "123 45"}) {
            assertFalse(totp.wellFormed(bad), String.valueOf(bad));
        }
    }

    @Test
    void refusesUnsupportedParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Totp("HmacMD5", 6, 30));
        assertThrows(IllegalArgumentException.class, () -> new Totp(Totp.SHA1, 5, 30));
        assertThrows(IllegalArgumentException.class, () -> new Totp(Totp.SHA1, 9, 30));
        assertThrows(IllegalArgumentException.class, () -> new Totp(Totp.SHA1, 6, 5));
    }

    @Test
    void otpauthUriCarriesTheParameters() {
        String uri = new Totp(Totp.SHA256, 8, 30).otpauthUri("Kinga Care", "amani", "JBSWY3DPEHPK3PXP");
        assertEquals("otpauth://totp/Kinga%20Care:amani?secret=JBSWY3DPEHPK3PXP&issuer=Kinga%20Care&algorithm=SHA256&digits=8&period=30", uri);
    }
}
