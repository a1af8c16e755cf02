package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditOutboxEntity;
import dev.kinga.keycloak.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A delivery waiting in the outbox carries a MAC of its payload under the sink signing key (from
 * the server's configuration, not the database), bound to its row, sink, realm, sequence number and
 * record: the forwarder sends only what Keycloak itself queued, so a database writer cannot get a
 * forged record signed to the sidecar's intake by inserting or moving an outbox row.
 */
final class OutboxSeal {

    private OutboxSeal() {
    }

    /** The seal over everything the forwarder acts on: the row, its sink, realm, sequence number, record and payload. */
    static String of(byte[] key, AuditOutboxEntity row) {
        String sealed = String.join("\n", "kinga-outbox/2", row.getId(), row.getSink(), row.getRealmId(), Long.toString(row.getSeq()),
                row.getRecordId(), row.getPayload());
        return HexFormat.of().formatHex(Hmac.sha256(key, sealed.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether the row carries Keycloak's seal; compared in constant time. */
    static boolean holds(byte[] key, AuditOutboxEntity row) {
        return row.getPayloadMac() != null && MessageDigest.isEqual(of(key, row).getBytes(StandardCharsets.US_ASCII),
                row.getPayloadMac().getBytes(StandardCharsets.US_ASCII));
    }
}
