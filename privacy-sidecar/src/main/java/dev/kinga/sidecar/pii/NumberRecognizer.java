package dev.kinga.sidecar.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that is a run of digit groups: IPv4 addresses, payment cards, US SSNs, Kenyan
 * national IDs and phone numbers. One left-to-right pass cuts the text into candidates
 * (digit groups joined by single spaces, dashes or dots, optionally after '+'), then each
 * candidate is classified by shape, validator and context. Linear in the text length.
 */
final class NumberRecognizer implements Recognizer {

    private static final int MAX_DIGITS = 40;
    private static final String[] PHONE_WORDS = {"call", "phone", "tel", "mobile", "cell", "simu", "namba", "number",
            "contact", "reach", "whatsapp", "sms"};
    private static final String[] SSN_WORDS = {"ssn", "social security"};
    private static final String[] NATIONAL_ID_WORDS = {"national id", "id no", "id number", "id card", "id #",
            "kitambulisho", "national identity", "nid", "id:"};
    private static final String[] CARD_WORDS = {"card", "visa", "mastercard", "amex", "credit", "debit"};

    /** A candidate: its span, the digits alone, group lengths and the separators used. */
    private record Candidate(int start, int end, boolean plus, String digits, List<Integer> groups, String separators) {
    }

    @Override
    public void find(String text, List<Detection> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean plus = c == '+' && i + 1 < n && Context.isDigit(text.charAt(i + 1));
            if (!plus && !Context.isDigit(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean boundaryBefore = start == 0 || !joinsBefore(text.charAt(start - 1));
            if (plus) {
                i++;
            }
            StringBuilder digits = new StringBuilder();
            List<Integer> groups = new ArrayList<>();
            StringBuilder separators = new StringBuilder();
            while (true) {
                int groupStart = i;
                while (i < n && Context.isDigit(text.charAt(i))) {
                    if (digits.length() <= MAX_DIGITS) {
                        digits.append(text.charAt(i));
                    }
                    i++;
                }
                groups.add(i - groupStart);
                if (i + 1 < n && isSeparator(text.charAt(i)) && Context.isDigit(text.charAt(i + 1))) {
                    if (separators.indexOf(String.valueOf(text.charAt(i))) < 0) {
                        separators.append(text.charAt(i));
                    }
                    i++;
                } else {
                    break;
                }
            }
            int end = i;
            boolean boundaryAfter = end == n || !joinsAfter(text, end);
            if (boundaryBefore && boundaryAfter && digits.length() <= MAX_DIGITS) {
                Detection d = classify(text, new Candidate(start, end, plus, digits.toString(), groups, separators.toString()));
                if (d != null) {
                    out.add(d);
                }
            }
        }
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-' || c == '.';
    }

    /** Characters that make a number part of a larger token when they precede it. */
    private static boolean joinsBefore(char c) {
        return Context.isWordChar(c) || c == '/' || c == '.' || c == '-' || c == ':' || c == '_' || c == '@' || c == '+';
    }

    private static boolean joinsAfter(String text, int end) {
        char c = text.charAt(end);
        if (Context.isWordChar(c) || c == '@' || c == '_') {
            return true;
        }
        return (c == '/' || c == ':' || c == '-' || c == '.') && end + 1 < text.length() && Context.isDigit(text.charAt(end + 1));
    }

    private Detection classify(String text, Candidate c) {
        int len = c.digits().length();
        List<Integer> g = c.groups();
        String seps = c.separators();

        if (!c.plus() && g.size() == 4 && seps.equals(".") && validIpv4(text.substring(c.start(), c.end()))) {
            return new Detection(EntityType.IP_ADDRESS, c.start(), c.end(), 0.9);
        }
        if (!c.plus() && len >= 13 && len <= 19 && (seps.isEmpty() || seps.equals(" ") || seps.equals("-"))
                && Checksums.luhn(c.digits()) && Checksums.knownCardIssuer(c.digits())) {
            return new Detection(EntityType.CREDIT_CARD, c.start(), c.end(),
                    Context.before(text, c.start(), 30, CARD_WORDS) ? 0.95 : 0.85);
        }
        if (!c.plus() && len == 9 && Checksums.validSsn(c.digits())) {
            boolean ssnShape = g.equals(List.of(3, 2, 4)) && seps.equals("-");
            boolean context = Context.before(text, c.start(), 30, SSN_WORDS);
            if (ssnShape || context && (g.size() == 1 || g.equals(List.of(3, 2, 4)))) {
                return new Detection(EntityType.US_SSN, c.start(), c.end(), context ? 0.95 : 0.8);
            }
        }
        if (!c.plus() && g.size() == 1 && (len == 7 || len == 8)
                && Context.before(text, c.start(), 25, NATIONAL_ID_WORDS)) {
            return new Detection(EntityType.KE_NATIONAL_ID, c.start(), c.end(), 0.85);
        }
        return phone(text, c);
    }

    private Detection phone(String text, Candidate c) {
        String d = c.digits();
        int len = d.length();
        if (c.separators().contains(".") && !c.separators().equals(".")) {
            return null; // mixed dots and other separators: a version or a date, not a phone number
        }
        boolean context = Context.before(text, c.start(), 30, PHONE_WORDS);
        if (c.plus()) {
            if ((d.startsWith("254") || d.startsWith("256") || d.startsWith("255") || d.startsWith("250")) && len != 12) {
                return null; // East African numbers: country code and nine digits
            }
            if (len >= 8 && len <= 15) {
                return new Detection(EntityType.PHONE, c.start(), c.end(), context ? 0.95 : 0.85);
            }
            return null;
        }
        if (len == 10 && (d.startsWith("07") || d.startsWith("01")) && !c.separators().equals(".")) {
            return new Detection(EntityType.PHONE, c.start(), c.end(), context ? 0.9 : 0.75);
        }
        if (context && len >= 7 && len <= 12 && (d.startsWith("0") || c.groups().size() >= 2)) {
            return new Detection(EntityType.PHONE, c.start(), c.end(), 0.6);
        }
        return null;
    }

    /** Dotted quad, each part 0-255 without leading zeros. */
    static boolean validIpv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255
                    || part.length() > 1 && part.charAt(0) == '0') {
                return false;
            }
        }
        return true;
    }
}
