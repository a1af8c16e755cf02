package dev.kinga.sidecar.pii;

import java.util.Locale;

/** Context words near a candidate: the evidence that turns a bare number into personal data. */
final class Context {

    private Context() {
    }

    /** Whether one of {@code words} (lower case) ends within {@code window} characters before {@code start}. */
    static boolean before(String text, int start, int window, String... words) {
        int from = Math.max(0, start - window);
        String region = text.substring(from, start).toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (region.contains(word)) {
                return true;
            }
        }
        return false;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean isAsciiAlnum(char c) {
        return isDigit(c) || isAsciiLetter(c);
    }

    /** A word character for boundary checks: letters (any script) and digits. */
    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c);
    }
}
