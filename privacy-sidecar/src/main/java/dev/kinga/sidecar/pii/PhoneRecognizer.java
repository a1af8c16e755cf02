package dev.kinga.sidecar.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.List;

/**
 * Phone numbers of any country, validated with libphonenumber's metadata: international
 * ("+254 712 345 678", "00 44 20 7946 0958", "254712345678", "+254 0712 345 678"), national
 * with a trunk prefix in one of the default regions ("0712 345678", "020 7946 0958"), and North
 * American ("(415) 555-2671", "555.123.1234"). Candidates are digit groups joined by spaces,
 * dashes, dots or parentheses; a number with no prefix and no phone-like grouping needs a word
 * such as "call" or "tel" before it, so invoice and order numbers stay what they are.
 */
final class PhoneRecognizer implements Recognizer {

    /** The default regions: East Africa, then the US and the UK. */
    static final List<String> DEFAULT_REGIONS = List.of("KE", "UG", "TZ", "RW", "BI", "SS", "ET", "US", "GB");

    private static final Context PHONE = new Context(4, "call", "phone", "tel", "telephone", "mobile", "cell", "simu",
            "contact", "reach", "whatsapp", "sms", "text", "fax", "mob", "ph", "hotline", "piga", "dial");
    private static final String JOINERS = " -.\u00A0()/";
    private static final int MIN_DIGITS = 7;
    private static final int MAX_DIGITS = 15;
    private static final int MAX_GROUPS = 8;
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String UNKNOWN = "ZZ";

    private final List<String> regions;
    private final int[] regionCodes;

    PhoneRecognizer(List<String> regions) {
        this.regions = List.copyOf(regions);
        this.regionCodes = regions.stream().mapToInt(UTIL::getCountryCodeForRegion).toArray();
        for (int i = 0; i < regionCodes.length; i++) {
            if (regionCodes[i] == 0) {
                throw new IllegalArgumentException("kinga.pii.phone-regions: unknown region " + regions.get(i));
            }
        }
    }

    @Override
    public EntityType type() {
        return EntityType.PHONE;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        int tokens = scan.count();
        char[] digits = new char[MAX_DIGITS + 4];
        for (int t = 0; t < tokens; t++) {
            if (!scan.isNumber(t) || scan.joinedBefore(t, ".,/:")) {
                continue;
            }
            int last = group(scan, t);
            boolean context = PHONE.before(scan, t);
            int s = t;
            while (s <= last) {
                int found = -1;
                double score = 0;
                for (int e = last; e >= s && found < 0; e--) {
                    if (e < last && !breaks(scan, e)) {
                        continue; // a run joined by dashes or dots is one number, never cut inside
                    }
                    int count = collect(scan, s, e, digits);
                    if (count < MIN_DIGITS || count > MAX_DIGITS + 2 || e == last && scan.joinedAfter(e, ".,/:")
                            || looksLikeDate(scan, s, e)) {
                        continue;
                    }
                    score = classify(scan, s, e, digits, count, context || s > t && PHONE.before(scan, s));
                    if (score > 0) {
                        found = e;
                    }
                }
                if (found >= 0) {
                    out.add(new Detection(type(), spanStart(scan, s), scan.end(found), score));
                    s = found + 1;
                } else {
                    do {
                        s++;
                    } while (s <= last && !breaks(scan, s - 1));
                }
            }
            t = last;
        }
    }

    /** Two numbers side by side are separated by a space; a dash, dot or parenthesis joins one number's parts. */
    private static boolean breaks(Scan scan, int t) {
        int g = scan.gap(t);
        return g == ' ' || g == '\u00A0';
    }

    /** 06.10.2026, 2026-10-06: three groups shaped like a date. */
    private static boolean looksLikeDate(Scan scan, int s, int e) {
        if (e != s + 2 || scan.gap(s) != scan.gap(s + 1) || scan.gap(s) == ' ') {
            return false;
        }
        int a = scan.length(s);
        int b = scan.length(s + 1);
        int c = scan.length(s + 2);
        return a <= 2 && b <= 2 && (c == 2 || c == 4) || a == 4 && b <= 2 && c <= 2;
    }

    /** The last token of the digit groups from {@code t} joined by phone punctuation. */
    private static int group(Scan scan, int t) {
        int last = t;
        int digits = scan.length(t);
        while (last + 1 < scan.count() && last - t + 1 < MAX_GROUPS && scan.isNumber(last + 1)) {
            int from = scan.end(last);
            int to = scan.start(last + 1);
            if (to - from > 3 || digits + scan.length(last + 1) > MAX_DIGITS + 6) {
                break;
            }
            for (int i = from; i < to; i++) {
                if (JOINERS.indexOf(scan.charAt(i)) < 0) {
                    return last;
                }
            }
            digits += scan.length(last + 1);
            last++;
        }
        return last;
    }

    private static int collect(Scan scan, int first, int last, char[] digits) {
        int count = 0;
        for (int u = first; u <= last; u++) {
            for (int i = scan.start(u); i < scan.end(u); i++) {
                if (count == digits.length) {
                    return count + 1;
                }
                digits[count++] = (char) ('0' + Scan.digit(scan.charAt(i)));
            }
        }
        return count;
    }

    /** Where the number starts: its '+' and an opening parenthesis belong to it. */
    private static int spanStart(Scan scan, int s) {
        int at = scan.start(s);
        if (at > 0 && scan.charAt(at - 1) == '(') {
            at--;
        }
        if (at > 0 && scan.charAt(at - 1) == '+') {
            at--;
        }
        return at;
    }

    /** A score when digits[0, count) of tokens s..e make a phone number, else 0. */
    private double classify(Scan scan, int s, int e, char[] digits, int count, boolean context) {
        boolean plus = scan.charAt(spanStart(scan, s)) == '+';
        if (plus || count > 9 && digits[0] == '0' && digits[1] == '0') {
            int from = plus ? 0 : 2;
            int cc = countryCode(digits, from, count);
            if (cc == 0) {
                return 0;
            }
            int national = from + String.valueOf(cc).length();
            if (digits[national] == '0' && !check(cc, digits, national, count, null, true)) {
                national++; // +254 0712 345 678: the trunk prefix written after the country code
            }
            return check(cc, digits, national, count, null, true) ? (context ? 0.95 : 0.9)
                    : check(cc, digits, national, count, null, false) ? (context ? 0.9 : 0.8) : 0;
        }
        if (digits[0] == '0') {
            if (count < 10) {
                return 0;
            }
            for (int r = 0; r < regions.size(); r++) {
                if ("0".equals(UTIL.getNddPrefixForRegion(regions.get(r), true))
                        && check(regionCodes[r], digits, 1, count, regions.get(r), true)) {
                    return context ? 0.95 : 0.85;
                }
            }
            // East African mobile numbers in a newly opened range the metadata may not know yet
            boolean mobileShape = count == 10 && (digits[1] == '7' || digits[1] == '1');
            return mobileShape ? (context ? 0.9 : 0.7) : 0;
        }
        boolean grouped = e > s;
        boolean parenthesised = scan.start(s) > 0 && scan.charAt(scan.start(s) - 1) == '(';
        if (count == 10 && (parenthesised || northAmericanGroups(scan, s, e)) && digits[0] >= '2') {
            // (415) 555-2671, 415-555-2671, 555.123.1234: the shape says phone even where the
            // exchange is a placeholder the numbering plan would not issue
            return check(1, digits, 0, count, null, true) || context ? 0.9 : 0.8;
        }
        if (count >= 11 && count <= 13) {
            for (int r = 0; r < regions.size(); r++) {
                int cc = regionCodes[r];
                int ccLength = String.valueOf(cc).length();
                if (cc != 1 && startsWith(digits, cc) && (!grouped || scan.length(s) == ccLength)
                        && check(cc, digits, ccLength, count, regions.get(r), true)) {
                    return context ? 0.9 : 0.75; // 254712345678: a country code without its '+'
                }
            }
        }
        if (context) {
            for (int r = 0; r < regions.size(); r++) {
                if (check(regionCodes[r], digits, 0, count, regions.get(r), true)) {
                    return 0.7;
                }
            }
            return count == 11 && digits[0] == '1' && check(1, digits, 1, count, null, true) ? 0.7 : 0;
        }
        return 0;
    }

    /** 3-3-4 with one separator throughout. */
    private static boolean northAmericanGroups(Scan scan, int s, int e) {
        return e == s + 2 && scan.length(s) == 3 && scan.length(s + 1) == 3 && scan.length(s + 2) == 4
                && scan.gap(s) >= 0 && scan.gap(s) == scan.gap(s + 1);
    }

    private static boolean startsWith(char[] digits, int code) {
        String prefix = String.valueOf(code);
        for (int i = 0; i < prefix.length(); i++) {
            if (digits[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The country code (1 to 3 digits) that digits[from..] start with, or 0. */
    private static int countryCode(char[] digits, int from, int count) {
        int cc = 0;
        for (int i = from; i < from + 3 && i < count - 4; i++) {
            cc = cc * 10 + digits[i] - '0';
            if (cc != 0 && !UNKNOWN.equals(UTIL.getRegionCodeForCountryCode(cc))) {
                return cc;
            }
        }
        return 0;
    }

    /**
     * Whether digits[from, count) are a valid (or, when {@code valid} is false, a possible: right
     * length) national number for the country code, and for the region if one is given.
     */
    private static boolean check(int countryCode, char[] digits, int from, int count, String region, boolean valid) {
        int length = count - from;
        if (length < 4 || length > 14) {
            return false;
        }
        long national = 0;
        int leadingZeros = 0;
        boolean leading = true;
        for (int i = from; i < count; i++) {
            if (leading && digits[i] == '0') {
                leadingZeros++;
            } else {
                leading = false;
            }
            national = national * 10 + (digits[i] - '0');
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(countryCode).setNationalNumber(national);
        if (leadingZeros > 0) {
            number.setItalianLeadingZero(true).setNumberOfLeadingZeros(leadingZeros);
        }
        if (!valid) {
            return UTIL.isPossibleNumberWithReason(number) == PhoneNumberUtil.ValidationResult.IS_POSSIBLE;
        }
        return region == null ? UTIL.isValidNumber(number) : UTIL.isValidNumberForRegion(number, region);
    }
}
