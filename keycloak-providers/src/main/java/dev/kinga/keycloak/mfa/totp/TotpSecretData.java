package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.StoredJson;

/** What a {@code kinga-totp} credential keeps in {@code secretData}: only the sealed secret ({@code v1.<keyId>.<AES-GCM>}). */
record TotpSecretData(String sealed) {

    static TotpSecretData parse(String json) {
        return StoredJson.read(json, TotpSecretData.class);
    }

    String json() {
        return StoredJson.write(this);
    }
}
