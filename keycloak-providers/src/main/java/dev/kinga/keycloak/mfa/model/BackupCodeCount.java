package dev.kinga.keycloak.mfa.model;

/** What a {@code kinga-backup-codes} credential keeps in {@code credentialData}: how many codes the set had and has left. */
public record BackupCodeCount(int total, int remaining) {

    public static BackupCodeCount parse(String json) {
        return StoredJson.read(json, BackupCodeCount.class);
    }

    public String json() {
        return StoredJson.write(this);
    }

    /** "7 of 10 left": the label the account console and the admin console show. */
    public String label() {
        return remaining + " of " + total + " left";
    }
}
