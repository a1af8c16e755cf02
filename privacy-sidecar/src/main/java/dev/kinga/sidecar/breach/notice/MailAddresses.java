package dev.kinga.sidecar.breach.notice;

import java.util.regex.Pattern;

/**
 * Which addresses a notice goes to: a plain {@code local@domain} a mail server takes (dot-atom
 * local part, host name of letters, digits and hyphens). A quoted local part, spaces, comments or
 * several addresses in one are refused before sending, so a person who set such an address
 * through Account REST gets a notice reported {@code no_address} at once instead of one retried
 * until the officer gives up; the officer then tells them another way.
 */
final class MailAddresses {

    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private MailAddresses() {
    }

    /** Whether the mailer can take {@code address} as it is (RFC 5321 lengths: 64 before the @, 254 in all). */
    static boolean usable(String address) {
        int at = address.lastIndexOf('@');
        return address.length() <= 254 && at > 0 && at <= 64 && ADDRESS.matcher(address).matches();
    }
}
