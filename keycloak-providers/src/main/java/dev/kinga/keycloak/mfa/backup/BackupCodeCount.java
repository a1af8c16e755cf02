package dev.kinga.keycloak.mfa.backup;

import dev.kinga.keycloak.mfa.StoredJson;

/** What a {@code kinga-backup-codes} credential keeps in {@code credentialData}: how many codes the set had and has left. */
record BackupCodeCount(int total, int remaining) {

    static BackupCodeCount parse(String json) {
        return StoredJson.read(json, BackupCodeCount.class);
    }

    String json() {
        return StoredJson.write(this);
    }

    /** "7 of 10 left": the label the account console and the admin console show. */
    String label() {
        return remaining + " of " + total + " left";
    }
}
