package dev.kinga.keycloak.mfa.model;

/** What a {@code kinga-totp} credential keeps in {@code secretData}: only the sealed secret ({@code v1.<keyId>.<AES-GCM>}). */
public record TotpSecretData(String sealed) {

    public static TotpSecretData parse(String json) {
        return StoredJson.read(json, TotpSecretData.class);
    }

    public String json() {
        return StoredJson.write(this);
    }
}
