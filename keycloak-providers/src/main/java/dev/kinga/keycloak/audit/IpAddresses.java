package dev.kinga.keycloak.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Truncates client addresses before they are stored, when configured to. */
final class IpAddresses {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private IpAddresses() {
    }

    static String truncate(String ip, AuditConfig.IpTruncation truncation) {
        if (ip == null || truncation == AuditConfig.IpTruncation.NONE) {
            return ip;
        }
        if (!IP_LITERAL.matcher(ip).matches()) {
            return null; // not an address literal: store nothing rather than something unexpected
        }
        try {
            byte[] bytes = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup
            int keep = bytes.length == 4 ? 3 : 6;
            for (int i = keep; i < bytes.length; i++) {
                bytes[i] = 0;
            }
            String network = InetAddress.getByAddress(bytes).getHostAddress();
            return network + (bytes.length == 4 ? "/24" : "/48");
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
