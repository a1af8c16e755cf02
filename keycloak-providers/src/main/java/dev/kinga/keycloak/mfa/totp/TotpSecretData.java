package dev.kinga.keycloak.mfa.totp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** What a {@code kinga-totp} credential keeps in {@code secretData}: only the sealed secret ({@code v1.<keyId>.<AES-GCM>}). */
record TotpSecretData(String sealed) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static TotpSecretData parse(String json) {
        try {
            return JSON.readValue(json, TotpSecretData.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
