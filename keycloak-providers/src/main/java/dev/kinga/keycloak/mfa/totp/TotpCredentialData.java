package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.StoredJson;

/**
 * What a {@code kinga-totp} credential keeps in {@code credentialData} (not secret): how its
 * codes are made, and the last time step a code was accepted for (replay protection).
 */
record TotpCredentialData(String algorithm, int digits, int period, long lastStep) {

    static TotpCredentialData of(Totp totp, long lastStep) {
        return new TotpCredentialData(totp.algorithm(), totp.digits(), totp.period(), lastStep);
    }

    static TotpCredentialData parse(String json) {
        return StoredJson.read(json, TotpCredentialData.class);
    }

    Totp totp() {
        return new Totp(algorithm, digits, period);
    }

    TotpCredentialData withLastStep(long step) {
        return new TotpCredentialData(algorithm, digits, period, step);
    }

    String json() {
        return StoredJson.write(this);
    }
}
