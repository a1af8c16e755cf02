package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.Arrays;
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
    private final boolean[] trunkZero;
    /** possible[r][n]: whether region r has national numbers of n digits (libphonenumber's possible lengths). */
    private final boolean[][] possible;

    PhoneRecognizer(List<String> regions) {
        this.regions = List.copyOf(regions);
        this.regionCodes = regions.stream().mapToInt(UTIL::getCountryCodeForRegion).toArray();
        this.trunkZero = new boolean[regions.size()];
        this.possible = new boolean[regions.size()][MAX_DIGITS + 3];
        for (int i = 0; i < trunkZero.length; i++) {
            trunkZero[i] = "0".equals(UTIL.getNddPrefixForRegion(regions.get(i), true));
            for (int length = 4; length <= MAX_DIGITS; length++) { // longer lengths stay impossible
                PhoneNumber probe = new PhoneNumber().setCountryCode(regionCodes[i]).setNationalNumber((long) Math.pow(10, length - 1) * 5);
                PhoneNumberUtil.ValidationResult reason = UTIL.isPossibleNumberWithReason(probe);
                possible[i][length] = reason == PhoneNumberUtil.ValidationResult.IS_POSSIBLE
                        || reason == PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY;
            }
        }
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
        char[] digits = new char[MAX_GROUPS * (MAX_DIGITS + 6)];
        int[] offsets = new int[MAX_GROUPS + 1];
        int[] cuts = new int[MAX_GROUPS + 1];
        Answers answers = new Answers();
        for (int k = 0, skip = -1; k < scan.numberCount(); k++) {
            int t = scan.number(k);
            if (t <= skip) {
                continue;
            }
            if (scan.length(t) > MAX_DIGITS + 2 || scan.joinedBefore(t, ".,/:")) {
                continue;
            }
            int last = group(scan, t);
            if (scan.end(last) - scan.start(t) < MIN_DIGITS) {
                skip = last;
                continue; // too short to hold a phone number, separators included
            }
            // the run's digits once, and where it may be cut: a space separates two numbers, a dash,
            // dot or parenthesis joins one number's parts
            int cutCount = 0;
            long slashes = 0; // bit u - t: a '/' after token u; no number spans one (02/05/2024 - 10/05/2024)
            for (int u = t; u <= last; u++) {
                if (u < last) {
                    for (int i = scan.end(u); i < scan.start(u + 1); i++) {
                        if (scan.charAt(i) == '/') {
                            slashes |= 1L << (u - t);
                        }
                    }
                }
                offsets[u - t] = collect(scan, u, digits, offsets[u - t]);
                offsets[u - t + 1] = offsets[u - t] + scan.length(u);
                if (u == last || breaks(scan, u)) {
                    cuts[cutCount++] = u;
                }
            }
            int s = t;
            int firstCut = 0;
            while (s <= last) {
                int found = -1;
                double score = 0;
                int context = -1; // "call", "tel" before s: looked up once, when needed
                for (int c = cutCount - 1; c >= firstCut && found < 0; c--) {
                    int e = cuts[c];
                    if ((slashes & ((1L << (e - t)) - 1) & ~((1L << (s - t)) - 1)) != 0) {
                        continue; // a '/' between s and e
                    }
                    int from = offsets[s - t];
                    int count = offsets[e - t + 1] - from;
                    if (count < MIN_DIGITS || count > MAX_DIGITS + 2 || e == last && scan.joinedAfter(e, ".,/:")
                            || looksLikeDate(scan, s, e)) {
                        continue;
                    }
                    boolean plus = scan.charAt(spanStart(scan, s)) == '+';
                    char lead = digits[from];
                    if (!plus && lead != '0' && count != 10 && (count < 11 || count > 13 || lead == '1')) {
                        if (context < 0) {
                            context = PHONE.before(scan, s) ? 1 : 0;
                        }
                        if (context == 0) {
                            continue; // no prefix, no phone-like length, no phone word: not a phone number
                        }
                    }
                    char[] window = from == 0 ? digits : Arrays.copyOfRange(digits, from, from + count);
                    score = shape(scan, s, e, window, count, answers);
                    if (score == 0 || score < 0.9) {
                        if (context < 0) {
                            context = PHONE.before(scan, s) ? 1 : 0;
                        }
                        score = context == 0 ? score : score > 0 ? score + 0.1 : contextual(window, count, answers);
                    }
                    if (score > 0) {
                        found = e;
                    }
                }
                int next = found >= 0 ? found : cuts[firstCut];
                if (found >= 0) {
                    out.add(new Detection(type(), spanStart(scan, s), scan.end(found), score));
                }
                while (firstCut < cutCount && cuts[firstCut] <= next) {
                    firstCut++;
                }
                s = next + 1;
            }
            skip = last;
        }
    }

    /** Two numbers side by side are separated by a space; a dash, dot or parenthesis joins one number's parts. */
    private static boolean breaks(Scan scan, int t) {
        for (int i = scan.end(t); i < scan.start(t + 1); i++) {
            char c = scan.charAt(i);
            if (c == ' ' || c == '\u00A0' || c == '/') {
                return true;
            }
        }
        return false;
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
            if (to - from > 3 || digits + scan.length(last + 1) > MAX_DIGITS + 5) {
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

    /** Appends token {@code u}'s digits (of any script, as ASCII) at {@code at}; returns {@code at}. */
    private static int collect(Scan scan, int u, char[] digits, int at) {
        int k = at;
        for (int i = scan.start(u); i < scan.end(u); i++) {
            digits[k++] = (char) ('0' + Scan.digit(scan.charAt(i)));
        }
        return at;
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

    /** The score the digits and their punctuation earn alone. */
    private double shape(Scan scan, int s, int e, char[] digits, int count, Answers answers) {
        boolean plus = scan.charAt(spanStart(scan, s)) == '+';
        if (plus || count > 9 && digits[0] == '0' && digits[1] == '0') {
            int from = plus ? 0 : 2;
            int cc = countryCode(digits, from, count);
            if (cc == 0) {
                return 0;
            }
            int national = from + (cc < 10 ? 1 : cc < 100 ? 2 : 3);
            if (digits[national] == '0' && !answers.check(cc, digits, national, count, -1, false)) {
                national++; // +254 0712 345 678: the trunk prefix written after the country code
            }
            // a '+' and a country code say phone: the right length for that country is enough;
            // "00" may begin any number, so there the number must be valid
            return answers.check(cc, digits, national, count, -1, !plus) ? 0.9 : 0;
        }
        if (digits[0] == '0') {
            if (count < 10) {
                return 0;
            }
            if (count == 10 && (digits[1] == '7' || digits[1] == '1')) {
                return 0.8; // East African mobile numbers (07.., 01..), some in ranges newer than the metadata
            }
            boolean possibleSomewhere = false;
            for (int r = 0; r < regions.size(); r++) {
                if (trunkZero[r] && possible[r][count - 1]) {
                    if (answers.check(regionCodes[r], digits, 1, count, r, true)) {
                        return 0.85;
                    }
                    possibleSomewhere = true;
                }
            }
            // 07700 900456: the right length, grouped like a phone number, in a range the metadata calls unused
            return possibleSomewhere && e > s ? 0.6 : 0;
        }
        boolean grouped = e > s;
        boolean parenthesised = scan.start(s) > 0 && scan.charAt(scan.start(s) - 1) == '(';
        if (count == 10 && (parenthesised || northAmericanGroups(scan, s, e)) && digits[0] >= '2') {
            // (415) 555-2671, 415-555-2671, 555.123.1234: the shape says phone even where the
            // exchange is a placeholder the numbering plan would not issue
            return answers.check(1, digits, 0, count, -1, true) ? 0.9 : 0.8;
        }
        if (count >= 11 && count <= 13) {
            for (int r = 0; r < regions.size(); r++) {
                int cc = regionCodes[r];
                int ccLength = cc < 10 ? 1 : cc < 100 ? 2 : 3;
                if (cc != 1 && startsWith(digits, cc) && (!grouped || scan.length(s) == ccLength)
                        && possible[r][count - ccLength] && answers.check(cc, digits, ccLength, count, r, true)) {
                    return 0.75; // 254712345678: a country code without its '+'
                }
            }
        }
        return 0;
    }

    /** After "call", "tel" and the like: a valid national number of a default region without its prefix. */
    private double contextual(char[] digits, int count, Answers answers) {
        for (int r = 0; r < regions.size(); r++) {
            if (count <= MAX_DIGITS && possible[r][count] && answers.check(regionCodes[r], digits, 0, count, r, true)) {
                return 0.7;
            }
        }
        return count == 11 && digits[0] == '1' && answers.check(1, digits, 1, count, -1, true) ? 0.7 : 0;
    }

    /** 3-3-4 with one separator throughout. */
    private static boolean northAmericanGroups(Scan scan, int s, int e) {
        return e == s + 2 && scan.length(s) == 3 && scan.length(s + 1) == 3 && scan.length(s + 2) == 4
                && scan.gap(s) >= 0 && scan.gap(s) == scan.gap(s + 1);
    }

    private static boolean startsWith(char[] digits, int code) {
        int length = code < 10 ? 1 : code < 100 ? 2 : 3;
        int value = 0;
        for (int i = 0; i < length; i++) {
            value = value * 10 + digits[i] - '0';
        }
        return value == code;
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
     * libphonenumber's answers within one text: a text that repeats a number (a phone list, a log)
     * asks once. Direct-mapped, 512 entries, made for one call of {@link #find}, so nothing is kept
     * between requests.
     */
    private final class Answers {
        private final long[] numbers = new long[512];
        private final int[] questions = new int[512];
        private final boolean[] answers = new boolean[512];

        /** {@link PhoneRecognizer#check} for region index {@code region} (-1: any region of the country code). */
        boolean check(int countryCode, char[] digits, int from, int count, int region, boolean valid) {
            long national = 0;
            int zeros = 0;
            boolean leading = true;
            for (int i = from; i < count; i++) {
                leading &= digits[i] == '0';
                zeros += leading ? 1 : 0;
                national = national * 10 + (digits[i] - '0');
            }
            // country code < 1000 (10 bits), length <= 17 (5 bits), zeros (5 bits), region + 1 (5 bits), valid (1 bit)
            int question = countryCode | (count - from) << 10 | zeros << 15 | (region + 1) << 20 | (valid ? 1 : 0) << 25 | 1 << 26;
            int slot = (int) (national ^ national >>> 17 ^ question * 0x9E3779B9) & 511;
            if (questions[slot] == question && numbers[slot] == national) {
                return answers[slot];
            }
            boolean answer = PhoneRecognizer.check(countryCode, digits, from, count, region < 0 ? null : regions.get(region), valid);
            numbers[slot] = national;
            questions[slot] = question;
            answers[slot] = answer;
            return answer;
        }
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
