package dev.kinga.sidecar.pii;

import java.util.List;
import java.util.Map;

/**
 * IBANs: a country code with its registered length, check digits, and the mod-97 check;
 * printed with or without groups of four. Each start reads at most 34 characters plus spaces.
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

    @Override
    public void find(String text, List<Detection> out) {
        int n = text.length();
        for (int i = 0; i + 4 <= n; i++) {
            char a = text.charAt(i);
            char b = text.charAt(i + 1);
            if (!(a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z'
                    && Context.isDigit(text.charAt(i + 2)) && Context.isDigit(text.charAt(i + 3)))) {
                continue;
            }
            if (i > 0 && Context.isWordChar(text.charAt(i - 1))) {
                continue;
            }
            Integer length = LENGTHS.get(text.substring(i, i + 2));
            if (length == null) {
                continue;
            }
            StringBuilder iban = new StringBuilder(length);
            int j = i;
            while (j < n && iban.length() < length) {
                char c = text.charAt(j);
                if (Context.isAsciiAlnum(c)) {
                    iban.append(Character.toUpperCase(c));
                    j++;
                } else if (c == ' ' && j + 1 < n && Context.isAsciiAlnum(text.charAt(j + 1)) && iban.length() > 0) {
                    j++;
                } else {
                    break;
                }
            }
            if (iban.length() == length && (j == n || !Context.isWordChar(text.charAt(j)))
                    && Checksums.ibanMod97(iban.toString())) {
                out.add(new Detection(EntityType.IBAN, i, j, 0.95));
                i = j - 1;
            }
        }
    }
}
