package dev.kinga.keycloak.mfa.trust;

import dev.kinga.keycloak.mfa.StoredJson;

/**
 * A {@code kinga-trusted-device} credential as stored: until when it is trusted and the coarse
 * device name ({@code credentialData}), and the hash of the cookie secret ({@code secretData};
 * {@code bound}: the hash includes the user id, as it has for every device trusted since).
 */
final class TrustedDeviceData {

    private TrustedDeviceData() {
    }

    record Data(long expiresAt, String device) {
        /** Unreadable data counts as expired. */
        static Data parse(String json) {
            try {
                return StoredJson.read(json, Data.class);
            } catch (RuntimeException e) {
                return new Data(0, "");
            }
        }

        String json() {
            return StoredJson.write(this);
        }
    }

    record Secret(String sha256, boolean bound) {
        /** Unreadable data matches nothing. */
        static Secret parse(String json) {
            try {
                return StoredJson.read(json, Secret.class);
            } catch (RuntimeException e) {
                return new Secret("", true);
            }
        }

        String json() {
            return StoredJson.write(this);
        }
    }
}
