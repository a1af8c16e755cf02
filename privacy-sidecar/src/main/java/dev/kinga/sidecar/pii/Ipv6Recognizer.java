package dev.kinga.sidecar.pii;

import java.util.List;

/** IPv6 addresses (full, compressed with '::', or with an embedded IPv4 tail). One pass over hex/colon runs. */
final class Ipv6Recognizer implements Recognizer {

    private static final int MAX_LENGTH = 45;

    @Override
    public void find(String text, List<Detection> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isIpv6Char(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int colons = 0;
            while (i < n && isIpv6Char(text.charAt(i))) {
                if (text.charAt(i) == ':') {
                    colons++;
                }
                i++;
            }
            int end = i;
            while (end > start && text.charAt(end - 1) == '.') {
                end--;
            }
            if (colons < 2 || end - start > MAX_LENGTH || end - start < 3) {
                continue;
            }
            if (start > 0 && Context.isWordChar(text.charAt(start - 1)) || end < n && Context.isWordChar(text.charAt(end))) {
                continue;
            }
            if (valid(text.substring(start, end))) {
                out.add(new Detection(EntityType.IP_ADDRESS, start, end, 0.9));
            }
        }
    }

    private static boolean isIpv6Char(char c) {
        return Context.isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
    }

    static boolean valid(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String body = s;
        int groupsNeeded = 8;
        int lastColon = s.lastIndexOf(':');
        String tail = s.substring(lastColon + 1);
        if (tail.contains(".")) {
            if (!NumberRecognizer.validIpv4(tail)) {
                return false;
            }
            body = s.substring(0, lastColon + 1) + "0:0";
        }
        String[] halves = body.split("::", -1);
        int count = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String group : half.split(":", -1)) {
                if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                    return false;
                }
                count++;
            }
        }
        boolean hasLetterOrCompression = doubleColon >= 0 || s.chars().anyMatch(Character::isLetter);
        return hasLetterOrCompression && (doubleColon >= 0 ? count < groupsNeeded : count == groupsNeeded);
    }
}
