package dev.kinga.sidecar.audit;

import dev.kinga.sidecar.keys.HashKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HexFormat;

/**
 * The chain's link: HMAC-SHA-256, under a key derived from the hash key, of the previous hash and
 * the record's fields, each length-prefixed so no two different records read the same. Keyed, so
 * whoever can write the database but does not hold the key cannot forge a consistent chain.
 */
@ApplicationScoped
public class TrailChain {

    public static final String GENESIS = "0".repeat(64);

    private final byte[] key;

    @Inject
    public TrailChain(HashKey hashKey) {
        this.key = hashKey.derive("audit-chain");
    }

    public String link(TrailRecord r) {
        return mac("record", r.prevHash, r.seq, r.id, r.at.toEpochMilli(), r.action, r.actor, r.actorName, r.clientId, r.details);
    }

    /** The head's MAC: binds the last sequence number to the last hash. */
    public String head(TrailHead h) {
        return mac("head", h.lastSeq, h.lastHash);
    }

    /** Each field length-prefixed, null distinct from empty ({@code -1:}). */
    private String mac(Object... fields) {
        StringBuilder s = new StringBuilder();
        for (Object field : fields) {
            if (field == null) {
                s.append("-1:|");
            } else {
                String text = field.toString();
                s.append(text.length()).append(':').append(text).append('|');
            }
        }
        return HexFormat.of().formatHex(HashKey.hmac(key, s.toString()));
    }
}
