package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;
import java.util.Map;

/**
 * IBANs: a country code with its registered length, check digits, and the mod-97 check;
 * printed with or without groups of four, in upper or lower case. Each start reads at most 34
 * characters plus spaces.
 */
final class IbanRecognizer implements Recognizer {

    /** Registered IBAN lengths (SWIFT IBAN registry). */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
            Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
            Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18),
            Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18),
            Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22),
            Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30),
            Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21),
            Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("LY", 25), Map.entry("MC", 27),
            Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MR", 27), Map.entry("MT", 31),
            Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22),
            Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24), Map.entry("SI", 19),
            Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28), Map.entry("TL", 23),
            Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22), Map.entry("VG", 24),
            Map.entry("XK", 20));

    private static final int MAX_LENGTH = 34;

    @Override
    public EntityType type() {
        return EntityType.IBAN;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.mixedCount(); k++) {
            int t = scan.mixed(k);
            if (t <= skip) {
                continue;
            }
            if (scan.length(t) < 4) {
                continue;
            }
            int at = scan.start(t);
            char a = upper(scan.charAt(at));
            char b = upper(scan.charAt(at + 1));
            if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || !ascii(scan.charAt(at + 2)) || !ascii(scan.charAt(at + 3))
                    || scan.charAt(at + 2) > '9' || scan.charAt(at + 3) > '9') {
                continue;
            }
            Integer length = LENGTHS.get(String.valueOf(new char[] {a, b}));
            if (length == null) {
                continue;
            }
            int last = groupsOf(scan, t, length);
            if (last >= 0 && mod97(scan, t, last)) {
                out.add(new Detection(type(), at, scan.end(last), 0.95));
                skip = last;
            }
        }
    }

    /** The token where {@code length} characters end, counting from token {@code first} across single spaces; or -1. */
    private static int groupsOf(Scan scan, int first, int length) {
        int seen = 0;
        for (int u = first; u < scan.count(); u++) {
            if (u > first && scan.gap(u - 1) != ' ') {
                return -1;
            }
            seen += scan.length(u);
            if (seen == length) {
                return u;
            }
            if (seen > length || seen > MAX_LENGTH) {
                return -1;
            }
        }
        return -1;
    }

    /** ISO 13616 check digits: the rearranged number mod 97 is 1, computed piecewise, upper and lower case alike. */
    private static boolean mod97(Scan scan, int first, int last) {
        int start = scan.start(first);
        int remainder = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int u = first; u <= last; u++) {
                for (int i = scan.start(u); i < scan.end(u); i++) {
                    boolean head = i < start + 4;
                    if (head != (pass == 1)) {
                        continue;
                    }
                    char c = upper(scan.charAt(i));
                    if (c >= '0' && c <= '9') {
                        remainder = (remainder * 10 + (c - '0')) % 97;
                    } else if (c >= 'A' && c <= 'Z') {
                        remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
                    } else {
                        return false;
                    }
                }
            }
        }
        return remainder == 1;
    }

    private static boolean ascii(char c) {
        return c >= '0' && c <= '9';
    }

    private static char upper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
    }
}
