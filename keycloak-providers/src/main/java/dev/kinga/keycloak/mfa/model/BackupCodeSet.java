package dev.kinga.keycloak.mfa.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of backup codes as stored ({@code secretData}, and the pending set in the authentication
 * session): the sealing key id its HMAC key derives from, the per-set salt (hex), whether the
 * hashes include the user id ({@code bound}; sets made before that are not), and the hashes of
 * the codes not used yet.
 */
public record BackupCodeSet(String kid, String salt, boolean bound, List<String> hashes) {

    public static BackupCodeSet parse(String json) {
        BackupCodeSet set = StoredJson.read(json, BackupCodeSet.class);
        return new BackupCodeSet(set.kid, set.salt, set.bound, set.hashes == null ? List.of() : List.copyOf(set.hashes));
    }

    /** The set without the hash at {@code index} (a used code). */
    public BackupCodeSet without(int index) {
        List<String> left = new ArrayList<>(hashes);
        left.remove(index);
        return new BackupCodeSet(kid, salt, bound, List.copyOf(left));
    }

    public String json() {
        return StoredJson.write(this);
    }
}
