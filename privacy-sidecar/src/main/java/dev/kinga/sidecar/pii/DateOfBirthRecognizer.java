package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dates the text says are birth dates: a date after "DOB", "date of birth", "born (in Nairobi)
 * on", "birth date", "tarehe ya kuzaliwa" and the like. Other dates are not personal identifiers
 * here. Formats: 1963-05-03, 1963/05/03, 03/05/1963 (day or month first), 03.05.63, 3 May 1963,
 * 03-May-1963, May 3rd, 1963. Impossible dates (31/02/1990) and dates after today are refused.
 * A hand-written parser: the work per keyword is bounded, so the scan is linear.
 */
final class DateOfBirthRecognizer implements Recognizer {

    private static final Context KEYWORD = new Context(1, Lexicon.BIRTH_KEYWORDS);
    /** Words that may stand between the keyword and the date, besides punctuation. */
    private static final WordList FILLER = WordList.of("is", "was", "on", "of", "the", "in", "at", "date", "mnamo", "tarehe", "ni",
            "huko", "siku", "ya", "le", "el", "am", "corrected", "updated", "changed", "to", "now", "recorded", "as", "listed",
            "file", "record", "records", "given", "stated", "reported", "per", "our", "his", "her", "their");
    /** English and Kiswahili month names and abbreviations, each a month's number. */
    private static final WordList MONTH_NAMES = months();
    private static final int MAX_GAP_TOKENS = 7;

    @Override
    public EntityType type() {
        return EntityType.DATE_OF_BIRTH;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        int tokens = scan.count();
        int thisYear = LocalDate.now(ZoneOffset.UTC).getYear();
        for (int k = 0, skip = -1; k < scan.flaggedCount(); k++) {
            int t = scan.flagged(k);
            if (t <= skip) {
                continue;
            }
            if (!scan.in(t, Lexicon.BIRTH) || KEYWORD.endsAt(scan, t) < 0) {
                continue;
            }
            int d = t + 1;
            boolean inPlace = false;
            // skip filler words and, after "in"/"at", a place: "born in Nairobi on 3 May 1963"
            while (d < tokens && d - t <= MAX_GAP_TOKENS && !scan.has(d, Scan.DIGITS)
                    && (scan.listed(FILLER, d) || inPlace && scan.isCapitalised(d))) {
                inPlace |= scan.is(d, "in") || scan.is(d, "at");
                d++;
            }
            if (d >= tokens) {
                break;
            }
            int last = date(scan, d, thisYear);
            if (last >= 0) {
                out.add(new Detection(type(), scan.start(d), scan.end(last), 0.9));
                skip = last;
            }
        }
    }

    /** The last token of a real, past date starting at token {@code d}, or -1. */
    private static int date(Scan scan, int d, int thisYear) {
        int tokens = scan.count();
        if (d + 2 >= tokens) {
            return -1;
        }
        int month0 = month(scan, d);
        if (month0 > 0) { // May 3(rd), 1963
            int day = number(scan, d + 1, 1, 2, true);
            int year = number(scan, d + 2, 4, 4, false);
            return scan.start(d + 1) - scan.end(d) <= 2 && scan.start(d + 2) - scan.end(d + 1) <= 3
                    && real(year, month0, day, thisYear) ? d + 2 : -1;
        }
        if (!scan.isNumber(d) && !ordinal(scan, d)) {
            return -1;
        }
        int sep1 = scan.gap(d);
        int sep2 = scan.gap(d + 1);
        int month1 = month(scan, d + 1);
        if (month1 > 0) { // 3 May 1963, 03-May-1963, 3rd May 1963
            int day = number(scan, d, 1, 2, true);
            int year = number(scan, d + 2, 4, 4, false);
            boolean joined = sep1 == sep2 && (sep1 == ' ' || sep1 == '-' || sep1 == '/' || sep1 == '.')
                    || sep1 == ' ' && scan.start(d + 2) - scan.end(d + 1) == 2 && scan.charAt(scan.end(d + 1)) == ',';
            return joined && real(year, month1, day, thisYear) ? d + 2 : -1;
        }
        if (sep1 < 0 || sep1 != sep2 || "/-.".indexOf(sep1) < 0 || !scan.isNumber(d + 1) || !scan.isNumber(d + 2)
                || scan.joinedAfter(d + 2, "/-.:")) {
            return -1;
        }
        int a = number(scan, d, 1, 4, false);
        int b = number(scan, d + 1, 1, 2, false);
        int c = number(scan, d + 2, 2, 4, false);
        if (scan.length(d) == 4) { // 1963-05-03, 1963/05/03
            return scan.length(d + 2) <= 2 && real(a, b, c, thisYear) ? d + 2 : -1;
        }
        if (scan.length(d) > 2) {
            return -1;
        }
        int year = scan.length(d + 2) == 2 ? c + (c <= thisYear % 100 ? 2000 : 1900) : scan.length(d + 2) == 4 ? c : -1;
        boolean dayFirst = real(year, b, a, thisYear);
        boolean monthFirst = real(year, a, b, thisYear);
        return dayFirst || monthFirst ? d + 2 : -1;
    }

    private static WordList months() {
        String[][] names = {
                {"january", "jan", "januari"}, {"february", "feb", "februari"}, {"march", "mar", "machi"},
                {"april", "apr", "aprili"}, {"may", "mei"}, {"june", "jun", "juni"}, {"july", "jul", "julai"},
                {"august", "aug", "agosti"}, {"september", "sep", "sept", "septemba"}, {"october", "oct", "oktoba"},
                {"november", "nov", "novemba"}, {"december", "dec", "desemba"}};
        Map<Integer, List<String>> byMonth = new LinkedHashMap<>();
        for (int m = 0; m < names.length; m++) {
            byMonth.put(m + 1, List.of(names[m]));
        }
        return new WordList(byMonth);
    }

    /** 1 to 12 for a month name or its abbreviation, else 0. */
    private static int month(Scan scan, int t) {
        return scan.isWord(t) ? MONTH_NAMES.get(scan.text, scan.start(t), scan.end(t), scan.hash(t)) : 0;
    }

    /** "3rd", "21st": a day with its ordinal suffix, one token. */
    private static boolean ordinal(Scan scan, int t) {
        int length = scan.length(t);
        int at = scan.start(t);
        return scan.isMixed(t) && length >= 3 && length <= 4 && Character.isDigit(scan.charAt(at))
                && ordinalSuffix(scan.text, at + length - 2);
    }

    private static boolean ordinalSuffix(String text, int at) {
        return text.regionMatches(true, at, "st", 0, 2) || text.regionMatches(true, at, "nd", 0, 2)
                || text.regionMatches(true, at, "rd", 0, 2) || text.regionMatches(true, at, "th", 0, 2);
    }

    /** The value of a number token of {@code min} to {@code max} digits (optionally with an ordinal suffix), or -1. */
    private static int number(Scan scan, int t, int min, int max, boolean ordinalAllowed) {
        int at = scan.start(t);
        int length = scan.length(t);
        if (ordinalAllowed && ordinal(scan, t)) {
            length -= 2;
        } else if (!scan.isNumber(t)) {
            return -1;
        }
        if (length < min || length > max) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + length; i++) {
            int digit = Scan.digit(scan.charAt(i));
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** A calendar date between 1880 and today (the year is enough: a birth date is not in a future year). */
    static boolean real(int year, int month, int day, int thisYear) {
        if (year < 1880 || year > thisYear || month < 1 || month > 12 || day < 1) {
            return false;
        }
        int days = switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= days;
    }
}
