package dev.kinga.sidecar.pii;

import java.util.List;

/** E-mail addresses: expands around each '@' within RFC 5321 length limits, so it is linear. */
final class EmailRecognizer implements Recognizer {

    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    @Override
    public void find(String text, List<Detection> out) {
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
            int end = at + 1;
            int lastDot = -1;
            while (end < n && end - at <= MAX_DOMAIN && isDomain(text.charAt(end))) {
                if (text.charAt(end) == '.') {
                    lastDot = end;
                }
                end++;
            }
            while (end > at + 1 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
                end--; // a sentence's full stop is not part of the domain
            }
            if (lastDot >= end - 1) {
                lastDot = text.lastIndexOf('.', end - 1);
            }
            if (lastDot <= at + 1 || end - lastDot - 1 < 2 || !tldLetters(text, lastDot + 1, end)) {
                continue;
            }
            if (end < n && (text.charAt(end) == '@')) {
                continue;
            }
            out.add(new Detection(EntityType.EMAIL, start, end, 0.95));
            searchFrom = end;
        }
    }

    private static boolean isLocal(char c) {
        return Context.isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDomain(char c) {
        return Context.isAsciiAlnum(c) || c == '.' || c == '-';
    }

    private static boolean tldLetters(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Context.isAsciiLetter(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
