package dev.kinga.keycloak.mfa.model;

/**
 * What a {@code kinga-totp} credential keeps in {@code credentialData} (not secret): how its
 * codes are made, and the last time step a code was accepted for (replay protection).
 */
public record TotpCredentialData(String algorithm, int digits, int period, long lastStep) {

    public static TotpCredentialData parse(String json) {
        return StoredJson.read(json, TotpCredentialData.class);
    }

    public TotpCredentialData withLastStep(long step) {
        return new TotpCredentialData(algorithm, digits, period, step);
    }

    public String json() {
        return StoredJson.write(this);
    }
}
