package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * E-mail addresses: expands around each '@' within RFC 5321 length limits, so it is linear.
 * Domains may be internationalised (letters of any script, or punycode "xn--" labels) or an
 * address literal ("user@[192.0.2.1]", "user@[IPv6:2001:db8::1]").
 */
final class EmailRecognizer implements Recognizer {

    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    @Override
    public EntityType type() {
        return EntityType.EMAIL;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        String text = scan.text;
        int n = text.length();
        int searchFrom = 0;
        int at;
        while ((at = text.indexOf('@', searchFrom)) >= 0) {
            searchFrom = at + 1;
            int start = at;
            while (start > 0 && at - start < MAX_LOCAL && isLocal(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '.') {
                start++; // a local part does not start with a dot
            }
            if (start == at) {
                continue;
            }
            int end = at + 1 < n && text.charAt(at + 1) == '[' ? literal(text, at + 1) : domain(text, at + 1);
            if (end < 0 || end < n && text.charAt(end) == '@') {
                continue;
            }
            out.add(new Detection(type(), start, end, 0.95));
            searchFrom = end;
        }
    }

    /** The end of a dotted domain with a top-level label of letters (or punycode) starting at {@code from}; -1 if none. */
    private static int domain(String text, int from) {
        int n = text.length();
        int end = from;
        while (end < n && end - from <= MAX_DOMAIN && isDomain(text.charAt(end))) {
            end++;
        }
        while (end > from && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
            end--; // a sentence's full stop is not part of the domain
        }
        int lastDot = end - 1;
        while (lastDot > from && text.charAt(lastDot) != '.') {
            lastDot--;
        }
        if (lastDot <= from || end - lastDot - 1 < 2) {
            return -1;
        }
        return topLevel(text, lastDot + 1, end) ? end : -1;
    }

    /** "[192.0.2.1]" or "[IPv6:2001:db8::1]" right after the '@'; -1 if it is not one. */
    private static int literal(String text, int open) {
        int close = -1;
        for (int i = open + 1; i < text.length() && i <= open + 50; i++) {
            if (text.charAt(i) == ']') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return -1;
        }
        String inside = text.substring(open + 1, close);
        boolean address = inside.regionMatches(true, 0, "IPv6:", 0, 5) ? IpAddressRecognizer.valid(inside.substring(5))
                : IpAddressRecognizer.validIpv4(inside);
        return address ? close + 1 : -1;
    }

    private static boolean topLevel(String text, int from, int to) {
        if (to - from > 4 && text.regionMatches(true, from, "xn--", 0, 4)) {
            return true;
        }
        for (int i = from; i < to; i++) {
            if (!Scan.isLetter(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLocal(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '%'
                || c == '+' || c == '-' || c > 127 && Scan.isLetter(c);
    }

    private static boolean isDomain(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                || c > 127 && Scan.isLetter(c);
    }
}
