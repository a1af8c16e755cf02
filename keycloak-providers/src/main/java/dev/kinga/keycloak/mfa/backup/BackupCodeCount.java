package dev.kinga.keycloak.mfa.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** What a {@code kinga-backup-codes} credential keeps in {@code credentialData}: how many codes the set had and has left. */
record BackupCodeCount(int total, int remaining) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static BackupCodeCount parse(String json) {
        try {
            return JSON.readValue(json, BackupCodeCount.class);
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

    /** "7 of 10 left": the label the account console and the admin console show. */
    String label() {
        return remaining + " of " + total + " left";
    }
}
