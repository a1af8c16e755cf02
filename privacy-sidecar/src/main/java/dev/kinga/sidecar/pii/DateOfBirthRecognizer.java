package dev.kinga.sidecar.pii;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates the text says are birth dates: a date right after "DOB", "date of birth", "born
 * (on)", "birth date", "tarehe ya kuzaliwa" and similar. Other dates are not personal
 * identifiers here. Work is bounded per keyword, so the scan is linear.
 */
final class DateOfBirthRecognizer implements Recognizer {

    private static final String[] KEYWORDS = {"dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday",
            "born", "tarehe ya kuzaliwa", "alizaliwa"};
    private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
    private static final Pattern DATE = Pattern.compile(
            "(?:(\\d{4})-(\\d{1,2})-(\\d{1,2})"
                    + "|(\\d{1,2})[/.\\-](\\d{1,2})[/.\\-](\\d{4})"
                    + "|" + MONTH + " (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})"
                    + "|(\\d{1,2})(?:st|nd|rd|th)? " + MONTH + ",? (\\d{4}))",
            Pattern.CASE_INSENSITIVE);
    /** What may stand between the keyword and the date: punctuation and a few small words. */
    private static final Pattern GAP = Pattern.compile("(?:[\\s:.,\\-()]|is|was|on|of|the|:)*+", Pattern.CASE_INSENSITIVE);
    private static final int MAX_DATE = 30;
    private static final String KEYWORD_INITIALS = "dbta";

    @Override
    public void find(String text, List<Detection> out) {
        int n = text.length();
        Matcher gap = GAP.matcher(text);
        Matcher date = DATE.matcher(text);
        for (int at = 0; at < n; at++) {
            char c = Character.toLowerCase(text.charAt(at));
            if (KEYWORD_INITIALS.indexOf(c) < 0 || at > 0 && Character.isLetter(text.charAt(at - 1))) {
                continue;
            }
            for (String keyword : KEYWORDS) {
                if (keyword.charAt(0) != c || !text.regionMatches(true, at, keyword, 0, keyword.length())) {
                    continue;
                }
                int afterKeyword = at + keyword.length();
                gap.region(afterKeyword, Math.min(n, afterKeyword + 12));
                int dateStart = gap.lookingAt() ? gap.end() : afterKeyword;
                date.region(dateStart, Math.min(n, dateStart + MAX_DATE));
                if (date.lookingAt() && plausible(date)
                        && (date.end() == n || !Character.isLetterOrDigit(text.charAt(date.end())))) {
                    out.add(new Detection(EntityType.DATE_OF_BIRTH, date.start(), date.end(), 0.9));
                    at = date.end() - 1;
                    break;
                }
            }
        }
    }

    private static boolean plausible(Matcher m) {
        int year;
        int month = -1;
        int day;
        if (m.group(1) != null) {
            year = Integer.parseInt(m.group(1));
            month = Integer.parseInt(m.group(2));
            day = Integer.parseInt(m.group(3));
        } else if (m.group(4) != null) {
            year = Integer.parseInt(m.group(6));
            int a = Integer.parseInt(m.group(4));
            int b = Integer.parseInt(m.group(5));
            day = Math.max(a, b) > 12 ? Math.max(a, b) : a; // dd/mm or mm/dd: either way both must fit
            month = Math.max(a, b) > 12 ? Math.min(a, b) : b;
        } else if (m.group(7) != null) {
            day = Integer.parseInt(m.group(7));
            year = Integer.parseInt(m.group(8));
        } else {
            day = Integer.parseInt(m.group(9));
            year = Integer.parseInt(m.group(10));
        }
        return year >= 1880 && year <= 2100 && day >= 1 && day <= 31 && (month == -1 || month >= 1 && month <= 12);
    }
}
