package dev.kinga.keycloak.apikey;

import org.keycloak.util.BasicAuthHelper;

/**
 * HTTP Basic client credentials as RFC 6749 §2.3.1 defines them: client id and secret each
 * {@code application/x-www-form-urlencoded} before Base64. Standard OAuth 2 libraries encode
 * ({@code kinga_…} becomes {@code kinga%5F…} in some); Keycloak decodes the same way for
 * ordinary client secrets. A key sent unencoded decodes to itself (base62 and {@code _}).
 */
final class BasicCredentials {

    private BasicCredentials() {
    }

    /** {@code [clientId, secret]}, decoded; null when the header is not Basic or not decodable. */
    static String[] parse(String authorization) {
        if (authorization == null) {
            return null;
        }
        try {
            return BasicAuthHelper.RFC6749.parseHeader(authorization);
        } catch (IllegalArgumentException e) {
            return null; // bad Base64 or a malformed %-escape: no credentials, the caller refuses
        }
    }
}
