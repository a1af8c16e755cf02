package dev.kinga.keycloak.apikey;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** One entry of a key's address allow-list: an IPv4 or IPv6 network in CIDR notation. */
public record CidrBlock(byte[] network, int prefixLength, String text) {

    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    /** Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address; refuses host names. */
    public static CidrBlock parse(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            throw new IllegalArgumentException("not a CIDR block");
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = trimmed.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a CIDR block");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("not a CIDR block");
            }
        }
        mask(bytes, prefix);
        String canonical = hostAddress(bytes) + "/" + prefix;
        return new CidrBlock(bytes, prefix, canonical);
    }

    public boolean contains(String ip) {
        byte[] candidate;
        try {
            candidate = literal(ip);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (candidate.length != network.length) {
            return false;
        }
        mask(candidate, prefixLength);
        return java.util.Arrays.equals(candidate, network);
    }

    private static byte[] literal(String address) {
        if (address == null || !LITERAL.matcher(address).matches() || (address.indexOf(':') < 0 && address.indexOf('.') < 0)) {
            throw new IllegalArgumentException("not an IP address");
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: no DNS look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address");
        }
    }

    private static void mask(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xFF << (8 - keep));
        }
    }

    private static String hostAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
