package dev.kinga.keycloak.mfa.totp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a {@code kinga-totp} credential keeps in {@code credentialData} (not secret): how its
 * codes are made, and the last time step a code was accepted for (replay protection).
 */
record TotpCredentialData(String algorithm, int digits, int period, long lastStep) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static TotpCredentialData of(Totp totp, long lastStep) {
        return new TotpCredentialData(totp.algorithm(), totp.digits(), totp.period(), lastStep);
    }

    static TotpCredentialData parse(String json) {
        try {
            return JSON.readValue(json, TotpCredentialData.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Totp totp() {
        return new Totp(algorithm, digits, period);
    }

    TotpCredentialData withLastStep(long step) {
        return new TotpCredentialData(algorithm, digits, period, step);
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
