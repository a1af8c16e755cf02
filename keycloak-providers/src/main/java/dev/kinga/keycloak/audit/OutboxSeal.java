package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A delivery waiting in the outbox carries a MAC of its payload under the sink signing key (from
 * the server's configuration, not the database), bound to its row: the forwarder sends only what
 * Keycloak itself queued, so a database writer cannot get a forged record signed to the sidecar's
 * intake by inserting an outbox row.
 */
final class OutboxSeal {

    private OutboxSeal() {
    }

    static String of(byte[] key, String outboxId, String payload) {
        return HexFormat.of().formatHex(Hmac.sha256(key, ("kinga-outbox/1\n" + outboxId + "\n" + payload).getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code mac} seals this row's payload; compared in constant time. */
    static boolean holds(byte[] key, String outboxId, String payload, String mac) {
        return mac != null && MessageDigest.isEqual(of(key, outboxId, payload).getBytes(StandardCharsets.US_ASCII),
                mac.getBytes(StandardCharsets.US_ASCII));
    }
}
