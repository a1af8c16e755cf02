package dev.kinga.keycloak.mfa.model;

/**
 * A {@code kinga-trusted-device} credential as stored: until when it is trusted and the coarse
 * device name ({@code credentialData}), and the hash of the cookie secret ({@code secretData};
 * {@code bound}: the hash includes the user id, as it has for every device trusted since).
 */
public final class TrustedDeviceData {

    private TrustedDeviceData() {
    }

    public record Data(long expiresAt, String device) {
        /** Unreadable data counts as expired. */
        public static Data parse(String json) {
            try {
                return StoredJson.read(json, Data.class);
            } catch (RuntimeException e) {
                return new Data(0, "");
            }
        }

        public String json() {
            return StoredJson.write(this);
        }
    }

    public record Secret(String sha256, boolean bound) {
        /** Unreadable data matches nothing. */
        public static Secret parse(String json) {
            try {
                return StoredJson.read(json, Secret.class);
            } catch (RuntimeException e) {
                return new Secret("", true);
            }
        }

        public String json() {
            return StoredJson.write(this);
        }
    }
}
