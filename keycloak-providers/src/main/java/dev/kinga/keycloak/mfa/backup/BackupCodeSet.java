package dev.kinga.keycloak.mfa.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of backup codes as stored ({@code secretData}, and the pending set in the authentication
 * session): the sealing key id its HMAC key derives from, the per-set salt (hex), whether the
 * hashes include the user id ({@code bound}; sets made before that are not), and the hashes of
 * the codes not used yet.
 */
record BackupCodeSet(String kid, String salt, boolean bound, List<String> hashes) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static BackupCodeSet parse(String json) {
        try {
            BackupCodeSet set = JSON.readValue(json, BackupCodeSet.class);
            return new BackupCodeSet(set.kid, set.salt, set.bound, set.hashes == null ? List.of() : List.copyOf(set.hashes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The set without the hash at {@code index} (a used code). */
    BackupCodeSet without(int index) {
        List<String> left = new ArrayList<>(hashes);
        left.remove(index);
        return new BackupCodeSet(kid, salt, bound, List.copyOf(left));
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
