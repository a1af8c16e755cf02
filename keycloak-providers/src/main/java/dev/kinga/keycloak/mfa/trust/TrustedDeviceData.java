package dev.kinga.keycloak.mfa.trust;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * A {@code kinga-trusted-device} credential as stored: until when it is trusted and the coarse
 * device name ({@code credentialData}), and the hash of the cookie secret ({@code secretData};
 * {@code bound}: the hash includes the user id, as it has for every device trusted since).
 */
final class TrustedDeviceData {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TrustedDeviceData() {
    }

    record Data(long expiresAt, String device) {
        /** Unreadable data counts as expired. */
        static Data parse(String json) {
            try {
                return JSON.readValue(json, Data.class);
            } catch (IOException | RuntimeException e) {
                return new Data(0, "");
            }
        }

        String json() {
            return write(this);
        }
    }

    record Secret(String sha256, boolean bound) {
        /** Unreadable data matches nothing. */
        static Secret parse(String json) {
            try {
                return JSON.readValue(json, Secret.class);
            } catch (IOException | RuntimeException e) {
                return new Secret("", true);
            }
        }

        String json() {
            return write(this);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
