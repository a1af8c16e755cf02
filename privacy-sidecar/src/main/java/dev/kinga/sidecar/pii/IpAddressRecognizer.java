package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * IP addresses. IPv4: four dotted decimal parts, also with a port ("10.0.0.1:8080"), a prefix
 * length ("10.0.0.0/8") or a label before it ("ip:10.0.0.1"); the span is the address alone.
 * IPv6: full, compressed with '::', or with an IPv4 tail, found from its colons.
 */
final class IpAddressRecognizer implements Recognizer {

    private static final int MAX_LENGTH = 45;
    /** Dotted numbers after these are versions, not addresses: "build 3.10.2.1". */
    private static final Context VERSION = new Context(2, "version", "ver", "v", "build", "release", "firmware", "app",
            "update", "toleo");

    @Override
    public EntityType type() {
        return EntityType.IP_ADDRESS;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        ipv4(scan, out);
        ipv6(scan.text, out);
    }

    private void ipv4(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.numberCount(); k++) {
            int t = scan.number(k);
            if (t <= skip || scan.joinedBefore(t, ".")) {
                continue;
            }
            int last = scan.run(t, ".", 5);
            if (last == t + 3 && !scan.joinedAfter(last, ".") && octets(scan, t, last) && !VERSION.before(scan, t)) {
                out.add(new Detection(type(), scan.start(t), scan.end(last), 0.9));
            }
            skip = last;
        }
    }

    /** Each part 0-255, one to three digits, no leading zero. */
    private static boolean octets(Scan scan, int first, int last) {
        for (int u = first; u <= last; u++) {
            int length = scan.length(u);
            int at = scan.start(u);
            if (length > 3 || length > 1 && scan.charAt(at) == '0') {
                return false;
            }
            int value = 0;
            for (int i = at; i < at + length; i++) {
                char c = scan.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return false;
            }
        }
        return true;
    }

    /** From each colon, the run of hex digits, colons and dots around it; each run read once. */
    private void ipv6(String text, List<Detection> out) {
        int n = text.length();
        int done = 0;
        int colon;
        while ((colon = text.indexOf(':', done)) >= 0) {
            int start = colon;
            while (start > done && colon - start < MAX_LENGTH && isIpv6Char(text.charAt(start - 1))) {
                start--;
            }
            int i = colon;
            int colons = 0;
            while (i < n && isIpv6Char(text.charAt(i))) {
                if (text.charAt(i) == ':') {
                    colons++;
                }
                i++;
            }
            int end = i;
            done = Math.max(end, colon + 1);
            while (end > start && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == ':' && end - 2 >= start && text.charAt(end - 2) != ':')) {
                end--;
            }
            while (start < end && text.charAt(start) == ':' && (start + 1 >= end || text.charAt(start + 1) != ':')) {
                start++; // a label's colon ("ip:fe80::1") is not part of the address
            }
            if (colons < 2 || end - start > MAX_LENGTH || end - start < 3) {
                continue;
            }
            if (start > 0 && Scan.isLetter(text.charAt(start - 1))
                    || end < n && (Scan.isLetter(text.charAt(end)) || Character.isDigit(text.charAt(end)))) {
                continue;
            }
            if (valid(text.substring(start, end))) {
                out.add(new Detection(type(), start, end, 0.9));
            }
        }
    }

    private static boolean isIpv6Char(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
    }

    /** Dotted quad, each part 0-255 without leading zeros. */
    static boolean validIpv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(part) > 255
                    || part.length() > 1 && part.charAt(0) == '0') {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 address: eight groups, or fewer with one '::', optionally ending in an IPv4 address (two groups). */
    static boolean valid(String s) {
        int lastColon = s.lastIndexOf(':');
        int end = s.length();
        int groups = 0;
        if (s.indexOf('.', lastColon + 1) >= 0) {
            if (!validIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            end = lastColon + 1;
            groups = 2;
        }
        boolean compressed = false;
        boolean letter = false;
        int i = 0;
        if (s.startsWith("::")) {
            compressed = true;
            i = 2;
        } else if (s.startsWith(":")) {
            return false;
        }
        while (i < end) {
            int from = i;
            while (i < end && Character.digit(s.charAt(i), 16) >= 0) {
                letter |= s.charAt(i) > '9';
                i++;
            }
            if (i - from == 0 || i - from > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            if (i + 1 < end && s.charAt(i + 1) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i += 2;
            } else if (++i == end && end == s.length()) {
                return false; // a trailing single colon, with no IPv4 tail after it
            }
        }
        return (compressed || letter) && (compressed ? groups < 8 : groups == 8);
    }
}
