package dev.kinga.sidecar.pii;

/** The validators that separate real identifiers from numbers that only look like them. */
final class Checksums {

    private Checksums() {
    }

    /** Luhn (mod 10) over ASCII digits. */
    static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** Issuer ranges of the major card networks (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay). */
    static boolean knownCardIssuer(String digits) {
        int len = digits.length();
        int two = Integer.parseInt(digits.substring(0, 2));
        int four = Integer.parseInt(digits.substring(0, 4));
        int three = Integer.parseInt(digits.substring(0, 3));
        if (digits.charAt(0) == '4') {
            return len == 13 || len == 16 || len == 19;
        }
        if (two >= 51 && two <= 55 || four >= 2221 && four <= 2720) {
            return len == 16;
        }
        if (two == 34 || two == 37) {
            return len == 15;
        }
        if (four == 6011 || two == 65 || three >= 644 && three <= 649) {
            return len >= 16 && len <= 19;
        }
        if (two == 36 || two == 38 || three >= 300 && three <= 305) {
            return len >= 14 && len <= 19;
        }
        if (four >= 3528 && four <= 3589) {
            return len >= 16 && len <= 19;
        }
        if (two == 62) {
            return len >= 16 && len <= 19;
        }
        return false;
    }

    /**
     * IBAN check digits (ISO 13616, mod 97 == 1) over an upper-case alphanumeric string without
     * spaces, computed piecewise so no big numbers are needed.
     */
    static boolean ibanMod97(String iban) {
        if (iban.length() < 5) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                int value = c - 'A' + 10;
                remainder = (remainder * 100 + value) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    /** SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
    static boolean validSsn(String nineDigits) {
        int area = Integer.parseInt(nineDigits.substring(0, 3));
        int group = Integer.parseInt(nineDigits.substring(3, 5));
        int serial = Integer.parseInt(nineDigits.substring(5));
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }
}
